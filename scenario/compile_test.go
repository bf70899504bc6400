package scenario_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/parleycc/parley/scenario"
)

// wantErr is one expected ValidationError: exact Block, BlockID and Field,
// and a substring of Msg.
type wantErr struct {
	block   int
	blockID string
	field   string
	msg     string
}

func send(id, text string) scenario.Spec {
	return scenario.Spec{ID: id, Type: "send_message", Params: map[string]any{"text": text}}
}

func withExits(s scenario.Spec, exits map[string]string) scenario.Spec {
	s.Exits = exits
	return s
}

func TestCompileErrors(t *testing.T) {
	findAgent := scenario.Spec{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "Support"}}
	connect := scenario.Spec{ID: "talk", Type: "connect_chat"}
	end := scenario.Spec{ID: "end", Type: "exit"}

	tests := []struct {
		name   string
		blocks []scenario.Spec
		want   []wantErr
	}{
		{"no blocks", nil, []wantErr{{-1, "", "", `scenario "chat" has no blocks`}}},
		{"missing id", []scenario.Spec{send("hello", "Hi"), {Type: "exit"}},
			[]wantErr{{1, "#2", "id", "required"}}},
		{"duplicate id", []scenario.Spec{send("hello", "Hi"), send("hello", "Again"), end},
			[]wantErr{{1, "hello", "id", "duplicate block id"}}},
		{"unknown type", []scenario.Spec{send("hello", "Hi"), {ID: "menu", Type: "show_menu"}, end},
			[]wantErr{{1, "menu", "type", `unknown block type "show_menu" (known: [ask connect_chat create_ticket exit find_agent follow_up_consent http_request if offer_articles search_kb send_message send_to_service set_variable survey wait])`}}},
		{"missing type", []scenario.Spec{{ID: "hello"}},
			[]wantErr{{0, "hello", "type", `unknown block type ""`}}},
		{"unknown parameter", []scenario.Spec{{ID: "hello", Type: "send_message", Params: map[string]any{"text": "Hi", "txet": "x"}}, end},
			[]wantErr{{0, "hello", "txet", "unknown parameter"}}},
		{"unknown parameters sorted", []scenario.Spec{{ID: "talk", Type: "connect_chat", Params: map[string]any{"zeta": 1, "alpha": 2}}},
			[]wantErr{{0, "talk", "alpha", "unknown parameter"}, {0, "talk", "zeta", "unknown parameter"}}},
		{"missing required parameter", []scenario.Spec{{ID: "hello", Type: "send_message"}, end},
			[]wantErr{{0, "hello", "text", "required"}}},
		{"empty required parameter", []scenario.Spec{{ID: "queue", Type: "find_agent", Params: map[string]any{"service": ""}}, connect},
			[]wantErr{{0, "queue", "service", "required"}}},
		{"parameter not text", []scenario.Spec{{ID: "hello", Type: "send_message", Params: map[string]any{"text": 42}}, end},
			[]wantErr{{0, "hello", "text", "must be text"}}},
		{"parameter not a whole number", []scenario.Spec{{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "S", "priority": 1.5}}, connect},
			[]wantErr{{0, "queue", "priority", "must be a whole number"}}},
		{"parameter number as text", []scenario.Spec{{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "S", "priority": "high"}}, connect},
			[]wantErr{{0, "queue", "priority", "must be a whole number"}}},
		{"required skill with a bad level", []scenario.Spec{{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "S", "skills": []any{"spanish", "billing:high"}}}, connect},
			[]wantErr{{0, "queue", "skills", `"billing:high": write a skill as "name" or "name:minlevel" (level 0-100)`}}},
		{"exit to unknown block", []scenario.Spec{withExits(send("hello", "Hi"), map[string]string{"next": "goodby"}), end},
			[]wantErr{{0, "hello", "exits.next", `points to unknown block "goodby"`}}},
		{"named exit to unknown block", []scenario.Spec{withExits(findAgent, map[string]string{"found": "nowhere"}), connect},
			[]wantErr{{0, "queue", "exits.found", `points to unknown block "nowhere"`}}},
		{"exit the type does not have", []scenario.Spec{withExits(send("hello", "Hi"), map[string]string{"timeout": "end"}), end},
			[]wantErr{{0, "hello", "exits.timeout", `block type send_message has no exit "timeout" (exits: [next])`}}},
		{"unreachable after exit", []scenario.Spec{send("hello", "Hi"), end, send("orphan", "nobody")},
			[]wantErr{{2, "orphan", "", "unreachable: no exit leads here"}}},
		{"unreachable when skipped", []scenario.Spec{withExits(send("hello", "Hi"), map[string]string{"next": "end"}), send("skipped", "x"), end},
			[]wantErr{{1, "skipped", "", "unreachable"}}},
		{"loop without waiting", []scenario.Spec{send("ping", "ping"), withExits(send("pong", "pong"), map[string]string{"next": "ping"})},
			[]wantErr{{0, "ping", "", "loop without a waiting block"}, {1, "pong", "", "loop without a waiting block"}}},
		{"self loop", []scenario.Spec{withExits(send("again", "again"), map[string]string{"next": "again"})},
			[]wantErr{{0, "again", "", "loop without a waiting block"}}},
		// Only blocks on the loop are blamed, not the ones leading into it.
		{"loop after two blocks", []scenario.Spec{send("hello", "Hi"), send("bridge", "wait"), send("ping", "ping"), withExits(send("pong", "pong"), map[string]string{"next": "ping"})},
			[]wantErr{{2, "ping", "", "loop without a waiting block"}, {3, "pong", "", "loop without a waiting block"}}},
		{"every problem at once", []scenario.Spec{{ID: "hello", Type: "send_message", Params: map[string]any{"txet": "Hi"}}, {ID: "menu", Type: "show_menu"}, end},
			[]wantErr{{0, "hello", "text", "required"}, {0, "hello", "txet", "unknown parameter"}, {1, "menu", "type", "unknown block type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, errs := scenario.Compile(scenario.Definition{Name: "chat", Blocks: tt.blocks})
			if sc != nil {
				t.Errorf("Compile returned a scenario along with errors")
			}
			if len(errs) != len(tt.want) {
				t.Fatalf("got %d errors %v, want %d", len(errs), errs, len(tt.want))
			}
			for i, e := range errs {
				w := tt.want[i]
				if e.Block != w.block || e.BlockID != w.blockID || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
					t.Errorf("error %d = {Block: %d, BlockID: %q, Field: %q, Msg: %q}, want {%d, %q, %q, ~%q}",
						i, e.Block, e.BlockID, e.Field, e.Msg, w.block, w.blockID, w.field, w.msg)
				}
			}
		})
	}
}

func TestValidationErrorString(t *testing.T) {
	tests := []struct {
		err  scenario.ValidationError
		want string
	}{
		{scenario.ValidationError{Block: -1, Msg: `scenario "x" has no blocks`}, `scenario "x" has no blocks`},
		{scenario.ValidationError{Block: 2, BlockID: "orphan", Msg: "unreachable: no exit leads here"}, `block "orphan": unreachable: no exit leads here`},
		{scenario.ValidationError{Block: 0, BlockID: "hello", Field: "text", Msg: "required"}, `block "hello": text: required`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestCompileValid(t *testing.T) {
	tests := []struct {
		name   string
		blocks []scenario.Spec
	}{
		{"single exit", []scenario.Spec{{ID: "end", Type: "exit"}}},
		{"runs off the end", []scenario.Spec{send("hello", "Hi")}},
		{"loop through a waiting block", []scenario.Spec{
			send("hello", "Hi"),
			{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "Support", "priority": 2}},
			withExits(scenario.Spec{ID: "talk", Type: "connect_chat"}, map[string]string{"next": "hello"}),
		}},
		{"whole-number float priority (as decoded from JSON)", []scenario.Spec{
			{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "Support", "priority": float64(3)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, errs := scenario.Compile(scenario.Definition{Name: "chat", Blocks: tt.blocks})
			if len(errs) > 0 {
				t.Fatalf("Compile: %v", errs)
			}
			if sc.Name != "chat" {
				t.Errorf("Name = %q", sc.Name)
			}
			for _, b := range tt.blocks {
				spec, ok := sc.Block(b.ID)
				if !ok || !reflect.DeepEqual(spec, b) {
					t.Errorf("Block(%q) = %+v, %v; want %+v", b.ID, spec, ok, b)
				}
			}
			if _, ok := sc.Block("nope"); ok {
				t.Errorf("Block(nope) found")
			}
		})
	}
}

func TestDecode(t *testing.T) {
	def := scenario.Definition{Name: "chat", Blocks: []scenario.Spec{
		send("hello", "Hi"),
		{ID: "queue", Type: "find_agent", Params: map[string]any{"service": "Support", "priority": 4}},
	}}
	data, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Decode(data, 7)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if sc.Name != "chat" || sc.Version != 7 {
		t.Errorf("Decode = {Name: %q, Version: %d}, want {chat, 7}", sc.Name, sc.Version)
	}
	if spec, _ := sc.Block("queue"); spec.Params["priority"] != float64(4) {
		t.Errorf("priority after JSON = %#v", spec.Params["priority"])
	}

	if _, err := scenario.Decode([]byte("{not json"), 1); err == nil || !strings.HasPrefix(err.Error(), "scenario: decode: ") {
		t.Errorf("Decode(bad JSON) = %v, want a scenario: decode error", err)
	}
	bad, _ := json.Marshal(scenario.Definition{Name: "broken", Blocks: []scenario.Spec{{ID: "x", Type: "nope"}}})
	_, err = scenario.Decode(bad, 1)
	if err == nil || !strings.HasPrefix(err.Error(), `scenario broken: block "x": type: unknown block type "nope"`) {
		t.Errorf("Decode(invalid) = %v", err)
	}
}

func TestExpand(t *testing.T) {
	vars := map[string]string{"first_name": "Ann", "last_name": "Lee", "customer.id": "c-1", "tricky": "$(first_name)", "empty": ""}
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"no variables", "no variables"},
		{"Hi $(first_name)!", "Hi Ann!"},
		{"$(first_name) $(last_name)", "Ann Lee"},
		{"$(first_name)$(first_name)", "AnnAnn"},
		{"id=$(customer.id)", "id=c-1"},
		{"[$(unknown)]", "[]"},
		{"[$(empty)]", "[]"},
		{"value not re-expanded: $(tricky)", "value not re-expanded: $(first_name)"},
		{"$$(first_name)", "$Ann"},
		{"${first_name}", "${first_name}"},
		{"$(first_name", "$(first_name"},
		{"$(1abc)", "$(1abc)"},
		{"$( first_name )", "$( first_name )"},
		{"$()", "$()"},
		{"$(_x)", ""},
	}
	for _, tt := range tests {
		if got := scenario.Expand(tt.in, vars); got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := scenario.Expand("Hi $(first_name)!", nil); got != "Hi !" {
		t.Errorf("Expand with nil vars = %q, want %q", got, "Hi !")
	}
}

// TestReadsHours: only an If on the hours answers a closed entry itself;
// other facts and variables do not.
func TestReadsHours(t *testing.T) {
	ifWhen := func(when string) scenario.Spec {
		return withExits(scenario.Spec{ID: "check", Type: "if", Params: map[string]any{
			"branches": []any{map[string]any{"name": "b", "when": when}}}}, map[string]string{"b": "end"})
	}
	tests := []struct {
		name   string
		blocks []scenario.Spec
		want   bool
	}{
		{"no if", []scenario.Spec{send("hello", "Hi")}, false},
		{"after_hours", []scenario.Spec{ifWhen("after_hours"), send("hello", "Hi")}, true},
		{"within_schedule in an and", []scenario.Spec{ifWhen(`within_schedule && order != ""`), send("hello", "Hi")}, true},
		{"other facts", []scenario.Spec{ifWhen(`queue_length > 3 || weekday == "sun"`), send("hello", "Hi")}, false},
		{"a variable named like it", []scenario.Spec{ifWhen(`vars["after_hours_note"] != ""`), send("hello", "Hi")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks := append(tt.blocks, scenario.Spec{ID: "end", Type: "exit"})
			sc, errs := scenario.Compile(scenario.Definition{Name: "chat", Blocks: blocks})
			if len(errs) > 0 {
				t.Fatalf("Compile: %v", errs)
			}
			if got := sc.ReadsHours(); got != tt.want {
				t.Errorf("ReadsHours = %v, want %v", got, tt.want)
			}
		})
	}
}
