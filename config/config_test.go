package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/hooks"
	"github.com/parleycc/parley/scenario"
)

// loadChecked loads a file and checks its accounts against the built-in
// channels, as the server does before applying it.
func loadChecked(path string) (*config.File, error) {
	f, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if err := f.CheckChannels(parley.NewChannels(messenger.New(nil))); err != nil {
		return nil, err
	}
	return f, nil
}

func TestLoadValid(t *testing.T) {
	f, err := config.Load("testdata/valid.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := f.Path(); got != "testdata/valid.yaml" {
		t.Errorf("Path() = %q", got)
	}
	if got := f.TenantID(); got != "acme" {
		t.Errorf("TenantID() = %q, want acme", got)
	}

	wantAccounts := []config.Account{
		{Name: "acme-page", Type: "facebook", PageID: "200000000000001", PageUsername: "acme",
			AccessToken: "acme-page-token", AppSecret: "acme-app-secret", VerifyToken: "acme-verify", APIBaseURL: "http://127.0.0.1:9999"},
		{Name: "acme-sales-page", Type: "facebook", PageID: "200000000000002",
			AccessToken: "sales-page-token", AppSecret: "sales-app-secret", VerifyToken: "sales-verify"},
	}
	if !reflect.DeepEqual(f.Accounts, wantAccounts) {
		t.Errorf("Accounts =\n%+v\nwant\n%+v", f.Accounts, wantAccounts)
	}
	target := 90
	wantServices := []config.Service{{Name: "Support", MaxChatsPerAgent: 2, Thresholds: &config.ServiceThresholds{
		ServiceLevel: "30s", ServiceLevelTarget: &target, Dropout: "5s", ChatTimeLimit: "20m", MaxWait: "2m"},
		TicketFields: []config.TicketField{{Name: "order_number", Label: "Order number", Type: "text"},
			{Name: "device", Label: "Device", Type: "choice", Required: true, Choices: []string{"Phone", "Laptop"}}}},
		{Name: "Sales", Enabled: new(false), Schedule: "sales-hours", AfterHoursMessage: "Sales is closed; we answer on weekdays."}}
	if !reflect.DeepEqual(f.Services, wantServices) {
		t.Errorf("Services = %+v, want %+v", f.Services, wantServices)
	}

	two, zero := 2, 0
	wantUsers := []config.User{
		{Username: "alice", DisplayName: "Alice Martin", Role: parley.RoleAgent, Password: "alice-pass", Capacity: &two, Services: []string{"Support", "Sales"}},
		{Username: "sam", Role: parley.RoleSupervisor, PasswordHash: "$2a$10$abcdefghijklmnopqrstuu5Lh3cFv5y3r1b0c0d7pYH7sWbTvyR9S"},
		{Username: "root", DisplayName: "Root", Role: parley.RoleAdmin, Password: "root-pass", Capacity: &zero},
	}
	if !reflect.DeepEqual(f.Users, wantUsers) {
		t.Errorf("Users =\n%+v\nwant\n%+v", f.Users, wantUsers)
	}
	wantEntries := []config.Entry{
		{Name: "Messenger", Account: "acme-page", Scenario: "messenger-chat", Service: "Support"},
		{Name: "Sales Messenger", Account: "acme-sales-page", Scenario: "sales-chat"},
	}
	if !reflect.DeepEqual(f.Entries, wantEntries) {
		t.Errorf("Entries = %+v, want %+v", f.Entries, wantEntries)
	}

	if len(f.Scenarios) != 2 {
		t.Fatalf("got %d scenarios, want 2", len(f.Scenarios))
	}
	wantDef := scenario.Definition{Name: "messenger-chat", Blocks: []scenario.Spec{
		{ID: "greeting", Type: "send_message", Params: map[string]any{"text": "Hi $(first_name)!"}},
		{ID: "find-agent", Type: "find_agent", Exits: map[string]string{"found": "connecting"}, Params: map[string]any{"service": "Support", "priority": 5}},
		{ID: "connecting", Type: "send_message", Params: map[string]any{"text": "Connecting you to an agent."}},
		{ID: "connect", Type: "connect_chat"},
		{ID: "goodbye", Type: "send_message", Params: map[string]any{"text": "Goodbye $(first_name)."}},
		{ID: "end", Type: "exit"},
	}}
	if got := f.Scenarios[0].Definition(); !reflect.DeepEqual(got, wantDef) {
		t.Errorf("Definition() =\n%+v\nwant\n%+v", got, wantDef)
	}
	// "next:" becomes the default exit.
	sales := f.Scenarios[1].Definition()
	if got := sales.Blocks[0].Exits; !reflect.DeepEqual(got, map[string]string{scenario.DefaultExit: "queue"}) {
		t.Errorf("sales-chat hello exits = %v, want next: queue", got)
	}
	if got := sales.Blocks[3].Params; !reflect.DeepEqual(got, map[string]any{"text": "Bye!"}) {
		t.Errorf("sales-chat bye params = %v", got)
	}
}

// Only the tenant is optional at the top: an empty file is a valid (empty)
// configuration of the default tenant.
func TestParseEmpty(t *testing.T) {
	f, err := config.Parse("empty.yaml", []byte("# nothing yet\n"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got := f.TenantID(); got != parley.DefaultTenant {
		t.Errorf("TenantID() = %q, want %q", got, parley.DefaultTenant)
	}
}

func TestLoadInvalid(t *testing.T) {
	tests := []struct {
		file  string
		line  int
		field string // must appear in the message
		want  string // the whole error
	}{
		{"unknown_field", 7, "pageid", "field pageid not found in type config.Account"},
		{"capacity_not_number", 4, "lots", "cannot unmarshal !!str `lots` into int"},
		{"bad_syntax", 3, "", "found unexpected end of stream"},
		{"bad_threshold", 5, "service_level_target", `services[0].thresholds.service_level_target: must be 1–100 (percent), not 120`},
		{"bad_threshold_duration", 5, "dropout", `services[0].thresholds.dropout: "soon" is not a positive duration like 20s or 5m`},
		{"bad_time_zone", 2, "time_zone", `time_zone: "Europe/Pariss" is not an IANA time zone like Europe/Paris`},
		{"missing_access_token", 2, "access_token", `accounts[0] (page): access_token: required`},
		{"missing_page_id", 2, "page_id", `accounts[0] (page): page_id: required`},
		{"missing_username", 4, "username", `users[1].username: required`},
		{"missing_password", 2, "password", `users[0] (alice): password or password_hash: required`},
		{"bad_account_type", 3, "type", `accounts[0].type: unsupported type "whatsapp" (supported: facebook)`},
		{"duplicate_service", 4, "name", `services[2].name: duplicate "Support"`},
		{"duplicate_username", 4, "username", `users[1].username: duplicate "alice"`},
		{"duplicate_team", 4, "name", `teams[2].name: duplicate "Tier 1"`},
		{"missing_team_name", 3, "name", `teams[1].name: required`},
		{"unknown_user_team", 9, "team", `users[1].team: unknown team "Tier 2"`},
		{"duplicate_scenario", 13, "name", `scenarios[1].name: duplicate "chat"`},
		{"duplicate_page_id", 10, "page_id", `accounts[1].page_id: page 100 is already used by account "page"`},
		{"unknown_account", 15, "account", `entries[0].account: unknown account "other-page"`},
		{"unknown_scenario", 16, "scenario", `entries[0].scenario: unknown scenario "chta"`},
		{"unknown_entry_service", 19, "service", `entries[0].service: unknown service "Suport"`},
		{"unknown_user_service", 6, "services", `users[0].services: unknown service "Sales"`},
		{"unknown_block_service", 16, "service", `scenarios[0] (chat): block "queue": service: unknown service "Sales"`},
		{"page_two_entries", 18, "account", `entries[1].account: account "page" is already attached to entry "Messenger"`},
		{"service_unknown_chat_account", 10, "chat_accounts", `services[0].chat_accounts: unknown account "page-b"`},
		{"service_two_pages", 16, "chat_accounts", `services[0].chat_accounts: a service has at most one Facebook page as its chat account; "page-a" and "page-b" are both Facebook pages`},
		{"bad_role", 5, "role", `users[1].role: must be agent, supervisor or admin, not "manager"`},
		{"negative_capacity", 4, "capacity", `users[0].capacity: must not be negative`},
		{"duplicate_reason", 4, "Lunch", `not_ready_reasons[2]: duplicate "Lunch"`},
		{"system_reason", 3, "no answer", `not_ready_reasons[1]: "no answer" is given by Parley itself (an offer not answered, a desktop gone) and cannot be picked`},
		{"ticket_field_bad_type", 9, "type", `services[0].ticket_fields[1]: ticket field "device": type: must be text, textarea or choice, not "select"`},
		{"ticket_field_bad_name", 5, "name", `services[0].ticket_fields[0]: ticket field "Order No": name: only lowercase letters, digits and _`},
		{"ticket_field_no_choices", 4, "choices", `services[0].ticket_fields[0]: ticket field "device": choices: a choice field needs at least one`},
		{"ticket_field_no_label", 4, "label", `services[0].ticket_fields[0]: ticket field "order_number": label: required`},
		{"ticket_field_duplicate", 10, "name", `services[1].ticket_fields[1].name: duplicate "order_number"`},
		{"negative_max_chats", 5, "max_chats_per_agent", `services[1].max_chats_per_agent: must not be negative`},
		{"unset_env", 5, "access_token", `accounts[0].access_token: environment variable PARLEY_CONFIG_TEST_UNSET_TOKEN is not set`},
		{"unset_env_password", 3, "password", `users[0].password: environment variable PARLEY_CONFIG_TEST_UNSET_PASSWORD is not set`},
		{"webhook_missing_name", 6, "name", `webhooks[1].name: required`},
		{"webhook_duplicate_name", 6, "name", `webhooks[1].name: duplicate "crm"`},
		{"webhook_missing_url", 2, "url", `webhooks[0] (crm): url: required`},
		{"webhook_bad_url", 3, "url", `webhooks[0].url: "ftp://crm.example.com/parley" is not an http(s) URL`},
		{"webhook_private_url", 3, "allow_private", `webhooks[0].url: 10.0.0.5 is a private, loopback or link-local address; set allow_private: true to use it`},
		{"webhook_missing_secret", 2, "secret", `webhooks[0] (crm): secret: required`},
		{"webhook_unset_env_secret", 5, "secret", `webhooks[0].secret: environment variable PARLEY_CONFIG_TEST_UNSET_WEBHOOK_SECRET is not set`},
		{"webhook_unknown_event", 5, "chat.opened", `webhooks[0].events: unknown event "chat.opened" (known: ` + strings.Join(hooks.Names, ", ") + `)`},
		{"webhook_no_events", 2, "events", `webhooks[0] (crm): events: subscribe to at least one event (or "*")`},
		{"empty_scenario", 2, "chat", `scenarios[0] (chat): scenario "chat" has no blocks`},
		{"missing_block_id", 7, "id", `scenarios[0] (chat): block "#2": id: required`},
		{"unknown_block_type", 8, "type", `scenarios[0] (chat): block "menu": type: unknown block type "show_menu" (known: [ask connect_chat create_ticket exit find_agent follow_up_consent http_request if offer_articles search_kb send_message send_to_service set_variable survey wait])`},
		{"missing_block_param", 4, "text", `scenarios[0] (chat): block "hello": text: required`},
		{"unknown_block_param", 7, "txet", `scenarios[0] (chat): block "hello": txet: unknown parameter`},
		{"exit_nowhere", 7, "exits.next", `scenarios[0] (chat): block "hello": exits.next: points to unknown block "goodby"`},
		{"named_exit_nowhere", 8, "exits.found", `scenarios[0] (chat): block "queue": exits.found: points to unknown block "talk"`},
		{"no_such_exit", 8, "exits.timeout", `scenarios[0] (chat): block "hello": exits.timeout: block type send_message has no exit "timeout" (exits: [next])`},
		{"unreachable_block", 9, "orphan", `scenarios[0] (chat): block "orphan": unreachable: no exit leads here`},
		{"loop_without_wait", 4, "ping", "scenarios[0] (chat): block \"ping\": loop without a waiting block: the scenario would never stop\n" +
			"testdata/invalid/loop_without_wait.yaml:7: scenarios[0] (chat): block \"pong\": loop without a waiting block: the scenario would never stop"},
		{"loop_after_start", 7, "ping", "scenarios[0] (chat): block \"ping\": loop without a waiting block: the scenario would never stop\n" +
			"testdata/invalid/loop_after_start.yaml:10: scenarios[0] (chat): block \"pong\": loop without a waiting block: the scenario would never stop"},
		// The blocks leading into the loop are not part of it.
		{"loop_after_two", 10, "ping", "scenarios[0] (chat): block \"ping\": loop without a waiting block: the scenario would never stop\n" +
			"testdata/invalid/loop_after_two.yaml:13: scenarios[0] (chat): block \"pong\": loop without a waiting block: the scenario would never stop"},
	}
	// Make sure the variables the fixtures rely on being unset are unset.
	for _, name := range []string{"PARLEY_CONFIG_TEST_UNSET_TOKEN", "PARLEY_CONFIG_TEST_UNSET_PASSWORD", "PARLEY_CONFIG_TEST_UNSET_WEBHOOK_SECRET"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}

	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			path := "testdata/invalid/" + tt.file + ".yaml"
			f, err := loadChecked(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want error", path)
			}
			if f != nil {
				t.Errorf("Load returned a file along with the error")
			}
			want := path + ":" + strconv.Itoa(tt.line) + ": " + tt.want
			if err.Error() != want {
				t.Errorf("error\n got: %s\nwant: %s", err, want)
			}
			var ce *config.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *config.Error", err)
			}
			if ce.Path != path || ce.Line != tt.line {
				t.Errorf("Error{Path: %q, Line: %d}, want {%q, %d}", ce.Path, ce.Line, path, tt.line)
			}
			if !strings.Contains(ce.Msg, tt.field) {
				t.Errorf("message %q does not name %q", ce.Msg, tt.field)
			}
		})
	}
	// Every fixture has a case.
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".yaml"); !covered[name] {
			t.Errorf("fixture %s has no test case", f)
		}
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load("testdata/does-not-exist.yaml")
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load(missing) = %v, want an os.ErrNotExist error", err)
	}
	if !strings.Contains(err.Error(), "testdata/does-not-exist.yaml") {
		t.Errorf("error %q does not name the file", err)
	}
}

func TestEnvExpansion(t *testing.T) {
	t.Setenv("PARLEY_TEST_PAGE_TOKEN", "tok-from-env")
	t.Setenv("PARLEY_TEST_APP_SECRET", "s3cret")
	t.Setenv("PARLEY_TEST_VERIFY", "")
	t.Setenv("PARLEY_TEST_ALICE_PASSWORD", "pw-from-env")
	f, err := config.Load("testdata/env.yaml")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	a := f.Accounts[0]
	if a.AccessToken != "tok-from-env" {
		t.Errorf("access_token = %q, want tok-from-env", a.AccessToken)
	}
	if a.AppSecret != "prefix-s3cret-suffix" {
		t.Errorf("app_secret = %q, want prefix-s3cret-suffix", a.AppSecret)
	}
	// Set but empty expands to empty, around literal text.
	if a.VerifyToken != "verify--tok-from-env" {
		t.Errorf("verify_token = %q, want verify--tok-from-env", a.VerifyToken)
	}
	if got := f.Users[0].Password; got != "pw-from-env" {
		t.Errorf("password = %q, want pw-from-env", got)
	}
}

// A secret that expands to nothing is a missing secret.
func TestEnvExpansionEmptySecret(t *testing.T) {
	t.Setenv("PARLEY_TEST_PAGE_TOKEN", "")
	t.Setenv("PARLEY_TEST_APP_SECRET", "x")
	t.Setenv("PARLEY_TEST_VERIFY", "")
	t.Setenv("PARLEY_TEST_ALICE_PASSWORD", "pw")
	_, err := loadChecked("testdata/env.yaml")
	want := "testdata/env.yaml:2: accounts[0] (page): access_token: required"
	if err == nil || err.Error() != want {
		t.Fatalf("Load = %v, want %s", err, want)
	}
}
