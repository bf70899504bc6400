package config_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// deskYAML declares canned responses at every level, dispositions and a
// screen pop; the scenario's Ask sets $(order_number).
const deskYAML = `services:
  - name: Billing
    dispositions: [Resolved, Refund]
    disposition_required: true
    screen_pop:
      url: https://crm.example.com/search?psid=$(psid)&email=$(email)
      open: tab
    canned_responses:
      - title: Refund
        shortcut: /refund
        text: "Your refund for order $(order_number) is on its way, $(first_name)."
users:
  - username: alice
    password: x
    services: [Billing]
    canned_responses:
      - title: Sign-off
        shortcut: bye
        text: "Thanks! $(agent_name)"
canned_responses:
  - title: Greeting
    shortcut: hello
    text: "Hi $(first_name)!"
    quick_replies: [Order, Refund]
  - title: Catalogue
    shortcut: catalogue
    text: "Here it is"
    attachments:
      - {type: file, url: "https://example.com/catalogue.pdf", name: catalogue.pdf}
    buttons: []
scenarios:
  - name: chat
    blocks:
      - {id: ask, type: ask, text: "Order number?", var: order_number}
`

func TestDeskConfigInvalid(t *testing.T) {
	tests := []struct {
		name      string
		old, repl string
		line      int
		want      string
	}{
		{"unknown variable", "$(order_number)", "$(order_nr)", 11, "services[0].canned_responses[0] (Refund): unknown variable $(order_nr)"},
		{"unknown global variable", "Hi $(first_name)", "Hi $(firstname)", 23, "canned_responses[0] (Greeting): unknown variable $(firstname)"},
		{"personal unknown variable", "$(agent_name)", "$(agent)", 19, "users[0].canned_responses[0] (Sign-off): unknown variable $(agent)"},
		{"screen pop not http", "https://crm.example.com/search", "javascript:alert(1)//x", 6, "services[0].screen_pop: screen pop URL"},
		{"screen pop variable host", "https://crm.example.com/search", "https://$(psid).example.com/search", 6, "with a fixed host"},
		{"bad open", "open: tab", "open: popup", 7, "services[0].screen_pop: screen pop mode must be panel or tab"},
		{"duplicate disposition", "[Resolved, Refund]", "[Resolved, Resolved]", 3, `services[0].dispositions: disposition "Resolved" is listed twice`},
		{"required without list", "dispositions: [Resolved, Refund]", "dispositions: []", 3, "services[0].dispositions: a disposition is required but none is listed"},
		{"duplicate shortcut", "shortcut: catalogue", "shortcut: hello", 26, "shortcut /hello is used twice"},
		{"bad shortcut", "shortcut: bye", "shortcut: good bye", 18, `users[0].canned_responses[0] (Sign-off): shortcut "good bye"`},
		{"bad attachment", "https://example.com/catalogue.pdf", "ftp://example.com/c.pdf", 28, "canned_responses[1] (Catalogue): attachment 1: url must be an http:// or https:// URL"},
		{"unknown field", "quick_replies:", "quick_reply:", 24, "field quick_reply not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(deskYAML, tt.old) {
				t.Fatalf("fixture has no %q", tt.old)
			}
			_, err := config.Parse("parley.yaml", []byte(strings.Replace(deskYAML, tt.old, tt.repl, 1)))
			if err == nil {
				t.Fatal("Parse accepted it")
			}
			var ce *config.Error
			if !asConfigError(err, &ce) || ce.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want parley.yaml:%d: …%s…", err, tt.line, tt.want)
			}
		})
	}
}

func asConfigError(err error, ce **config.Error) bool {
	e, ok := err.(*config.Error)
	*ce = e
	return ok
}

func TestDeskConfigApply(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		f, err := config.Parse("parley.yaml", []byte(deskYAML))
		if err != nil {
			t.Fatal(err)
		}
		f.PasswordCost = 4
		for range 2 { // idempotent
			if err := f.Apply(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		alice, err := st.UserByUsername(ctx, parley.DefaultTenant, "alice")
		if err != nil {
			t.Fatal(err)
		}
		list, err := st.CannedResponses(ctx, parley.DefaultTenant, alice.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]*parley.CannedResponse{}
		for _, c := range list {
			got[c.Shortcut] = c
		}
		if len(list) != 4 || got["refund"] == nil || got["refund"].Scope != parley.CannedService || got["bye"].OwnerID != alice.ID ||
			len(got["hello"].QuickReplies) != 2 || len(got["catalogue"].Attachments) != 1 || !got["hello"].FromConfig {
			t.Errorf("canned responses after apply: %d %+v", len(list), got)
		}
		svc, err := st.ServiceByName(ctx, parley.DefaultTenant, "Billing")
		if err != nil {
			t.Fatal(err)
		}
		d, err := st.ServiceDesk(ctx, svc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !d.DispositionRequired || len(d.Dispositions) != 2 || d.ScreenPopMode != "tab" || !strings.HasPrefix(d.ScreenPopURL, "https://crm.example.com/") {
			t.Errorf("service desk = %+v", d)
		}
		// A file without the global list removes the global responses it had declared.
		f2, err := config.Parse("parley.yaml", []byte(deskYAML[:strings.Index(deskYAML, "canned_responses:\n  - title: Greeting")]+deskYAML[strings.Index(deskYAML, "scenarios:"):]))
		if err != nil {
			t.Fatal(err)
		}
		f2.PasswordCost = 4
		if err := f2.Apply(ctx, st); err != nil {
			t.Fatal(err)
		}
		if list, _ := st.CannedResponses(ctx, parley.DefaultTenant, alice.ID); len(list) != 2 {
			t.Errorf("after removing the global list: %d responses, want 2", len(list))
		}
	})
}
