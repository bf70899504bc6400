package scenario_test

import (
	"strings"
	"testing"

	"github.com/parleycc/parley/scenario"
)

// TestEscalationErrors: an escalation must name real blocks and give the
// customer a way to ask (keywords, a button or both); its target counts
// as reachable.
func TestEscalationErrors(t *testing.T) {
	blocks := []scenario.Spec{
		{ID: "ask", Type: "ask", Params: map[string]any{"text": "?", "var": "q"}},
		{ID: "end", Type: "exit"},
		{ID: "find", Type: "find_agent", Params: map[string]any{"service": "Support"}},
		{ID: "talk", Type: "connect_chat"},
	}
	tests := []struct {
		name string
		esc  *scenario.Escalation
		want string // "" when valid
	}{
		{"keywords only", &scenario.Escalation{Keywords: []string{"agent"}, To: "find"}, ""},
		{"button on every block", &scenario.Escalation{Button: "Talk to a person", ButtonOn: []string{"*"}, To: "find"}, ""},
		{"unknown target", &scenario.Escalation{Keywords: []string{"agent"}, To: "nowhere"}, `escalation: to: unknown block "nowhere"`},
		{"button on an unknown block", &scenario.Escalation{Button: "Person", ButtonOn: []string{"akk"}, To: "find"}, `button_on: unknown block "akk"`},
		{"button_on without a title", &scenario.Escalation{Keywords: []string{"agent"}, ButtonOn: []string{"ask"}, To: "find"}, "button: required with button_on"},
		{"no way to ask", &scenario.Escalation{To: "find"}, "give keywords, a button or both"},
		{"no escalation: its target is unreachable", nil, "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := scenario.Compile(scenario.Definition{Name: "faq", Blocks: blocks, Escalation: tt.esc})
			var msgs []string
			for _, e := range errs {
				msgs = append(msgs, e.Error())
			}
			got := strings.Join(msgs, "; ")
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("errors %q, want %q", got, tt.want)
			}
		})
	}
}
