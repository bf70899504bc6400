package config_test

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parleycc/parley/config"
)

// TestScenarioValidation checks the messages of the scenario engine's
// checks: each problem at its file and line, with the block's name.
func TestScenarioValidation(t *testing.T) {
	tests := []struct {
		file string
		want []string // every problem, in order, as file:line: message
	}{
		{"bad_expression", []string{`:10: scenarios[0] (chat): block "hours": branches[0].when: bad expression: unexpected token EOF (1:14)`}},
		{"expression_type", []string{`:8: scenarios[0] (chat): block "busy": branches[0].when: bad expression: invalid operation: > (mismatched types int and string) (1:14)`}},
		{"branch_without_exit", []string{`:4: scenarios[0] (chat): block "route": exits.vip: required: the block to go to when "vip" holds`}},
		{"ask_problems", []string{
			`:7: scenarios[0] (chat): block "email": var: not a valid variable name`,
			`:8: scenarios[0] (chat): block "email": validate: must be text, email, phone, number or choice, not "mail"`,
			`:9: scenarios[0] (chat): block "email": timeout: must be a duration such as 30s or 5m, not "soon"`,
		}},
		{"queue_loop", []string{
			`:6: scenarios[0] (chat): block "queue": loop without a waiting block: the scenario would never stop`,
			`:14: scenarios[0] (chat): block "sorry": loop without a waiting block: the scenario would never stop`,
		}},
		{"unknown_schedule", []string{`:17: entries[0].schedule: unknown schedule "ofice"`}},
		{"bad_timezone", []string{`:3: schedules[0] (office): unknown timezone "Mars/Olympus"`}},
		{"bad_hours", []string{`:3: schedules[0] (office): hours[0]: 09:00 is not after 18:00`}},
		{"bad_days", []string{`:3: schedules[0] (office): hours[0].days: "weekdays" is not a day or range of days like mon-fri`}},
		{"http_and_buttons", []string{
			`:6: scenarios[0] (chat): block "call": url: must be an http:// or https:// URL`,
			`:7: scenarios[0] (chat): block "call": method: must be GET, POST, PUT, PATCH or DELETE`,
			`:9: scenarios[0] (chat): block "call": map.bad name: not a valid variable name`,
			`:14: scenarios[0] (chat): block "menu": buttons[0].url: required for a web_url button`,
			`:15: scenarios[0] (chat): block "menu": buttons[1].type: must be postback or web_url, not "call"`,
		}},
		{"negative_queue", []string{`:3: services[0].max_queue_length: must not be negative`}},
		{"service_unknown_schedule", []string{`:9: services[0].schedule: unknown schedule "offce"`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/scenario_invalid/" + tt.file + ".yaml"
			_, err := config.Load(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded", path)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, path+w)
			}
			if got := err.Error(); got != strings.Join(want, "\n") {
				t.Errorf("errors\n got: %s\nwant: %s", got, strings.Join(want, "\n"))
			}
		})
	}
}

// TestParseScenario validates one scenario as the Admin editor sends it:
// lines are those of the edited text, blocks are named.
func TestParseScenario(t *testing.T) {
	src := "name: chat\nblocks:\n  - id: hello\n    type: send_message\n    text: Hi\n  - id: queue\n    type: find_agent\n    service: Sales\n  - id: talk\n    type: connect_chat\n    exits:\n      found: hello\n"
	_, err := config.ParseScenario("editor", []byte(src), []string{"Support"})
	var got []string
	for _, p := range config.Problems(err) {
		got = append(got, p.Block+"@"+strconv.Itoa(p.Line)+": "+p.Msg)
	}
	want := []string{
		`queue@8: scenarios[0] (chat): block "queue": service: unknown service "Sales"`,
		`talk@12: scenarios[0] (chat): block "talk": exits.found: block type connect_chat has no exit "found" (exits: [next])`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems\n got: %q\nwant: %q", got, want)
	}
	if _, err := config.ParseScenario("editor", []byte("name: ok\nblocks:\n  - id: end\n    type: exit\n"), nil); err != nil {
		t.Errorf("valid scenario: %v", err)
	}
}

// TestDemoConfigValid keeps the shipped demo configuration and its
// templates valid.
func TestDemoConfigValid(t *testing.T) {
	if _, err := os.Stat("../app/demo.yaml"); err != nil {
		t.Fatal(err)
	}
	f, err := config.Load("../app/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range f.Scenarios {
		names = append(names, s.Name)
	}
	if strings.Join(names, ",") != "messenger-chat,messenger-chat-after-hours,sms-chat" {
		t.Errorf("demo scenarios = %v", names)
	}
	var types []string
	for _, b := range f.Scenarios[0].Blocks {
		types = append(types, b.Type)
	}
	// The seeds' eight blocks, with two goodbyes: thanks after a helped
	// chat, and the note for a customer nobody could answer; after the
	// greeting, an If sends the help centre's opt-ins to the self-service
	// blocks at the end.
	want := "send_message,if,send_message,if,find_agent,send_message,connect_chat,send_message,send_message,exit," +
		"ask,search_kb,offer_articles,send_message,create_ticket,follow_up_consent,send_message"
	if got := strings.Join(types, ","); got != want {
		t.Errorf("default Messenger Chat blocks = %s, want the seeds' blocks with both goodbyes and the self-service flow", got)
	}
	if esc := f.Scenarios[0].Escalation; esc == nil || esc.To != "finding" || !slices.Contains(esc.Keywords, "agent") {
		t.Errorf("default Messenger Chat escalation = %+v, want \"agent\" to lead to finding an agent", esc)
	}
}
