package config_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/scenario"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// snapshot is everything Apply writes for a tenant.
type snapshot struct {
	Accounts  []*parley.Account
	Services  []*parley.Service
	Users     []*parley.User
	Entries   []*parley.ScenarioEntry
	Scenarios map[string]*parley.ScenarioVersion
	Reasons   []string
}

func take(t *testing.T, st *sqlstore.Store, tenant string) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	var err error
	if s.Accounts, err = st.Accounts(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	// UpsertAccount stamps updated_at on every call; the rest must not move.
	for _, a := range s.Accounts {
		a.UpdatedAt = time.Time{}
	}
	if s.Services, err = st.Services(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	if s.Users, err = st.Users(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	if s.Entries, err = st.Entries(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	ten, err := st.Tenant(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	s.Reasons = ten.NotReadyReasons
	s.Scenarios = map[string]*parley.ScenarioVersion{}
	for _, name := range []string{"messenger-chat", "sales-chat"} {
		if s.Scenarios[name], err = st.LatestScenario(ctx, tenant, name); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func load(t *testing.T, path string) *config.File {
	t.Helper()
	f, err := config.Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return f
}

func apply(t *testing.T, st *sqlstore.Store, path string) {
	t.Helper()
	if err := load(t, path).Apply(context.Background(), st); err != nil {
		t.Fatalf("Apply %s: %v", path, err)
	}
}

// edited writes a copy of valid.yaml with each old string replaced.
func edited(t *testing.T, pairs ...string) string {
	t.Helper()
	data, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("valid.yaml has no %q", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func byName[T any](items []*T, name func(*T) string) map[string]*T {
	m := map[string]*T{}
	for _, it := range items {
		m[name(it)] = it
	}
	return m
}

func TestApply(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		apply(t, st, "testdata/valid.yaml")
		first := take(t, st, "acme")

		// What the file declares is in the store.
		if len(first.Accounts) != 2 || len(first.Services) != 2 || len(first.Users) != 3 || len(first.Entries) != 2 {
			t.Fatalf("stored %d accounts, %d services, %d users, %d entries; want 2, 2, 3, 2",
				len(first.Accounts), len(first.Services), len(first.Users), len(first.Entries))
		}
		if want := []string{"Break", "Coaching"}; !slices.Equal(first.Reasons, want) {
			t.Errorf("not ready reasons = %v, want %v", first.Reasons, want)
		}
		accts := byName(first.Accounts, func(a *parley.Account) string { return a.Name })
		page := accts["acme-page"]
		wantPage := parley.Account{ID: page.ID, TenantID: "acme", Name: "acme-page", Type: "facebook", PageID: "200000000000001", PageUsername: "acme",
			AccessToken: "acme-page-token", AppSecret: "acme-app-secret", VerifyToken: "acme-verify", APIBaseURL: "http://127.0.0.1:9999", Active: true}
		if page.ID == "" || !reflect.DeepEqual(*page, wantPage) {
			t.Errorf("account acme-page = %+v, want %+v", *page, wantPage)
		}
		svcs := byName(first.Services, func(s *parley.Service) string { return s.Name })
		support, sales := svcs["Support"], svcs["Sales"]
		if support == nil || support.MaxChatsPerAgent != 2 || support.Disabled || support.ScheduleName != "" ||
			sales == nil || sales.MaxChatsPerAgent != 0 || !sales.Disabled || sales.ScheduleName != "sales-hours" || sales.AfterHoursMessage != "Sales is closed; we answer on weekdays." {
			t.Fatalf("services = %+v", first.Services)
		}
		wantFields := []parley.TicketField{{Name: "order_number", Label: "Order number", Type: "text"},
			{Name: "device", Label: "Device", Type: "choice", Required: true, Choices: []string{"Phone", "Laptop"}}}
		if !reflect.DeepEqual(support.TicketFields, wantFields) || sales.TicketFields != nil {
			t.Errorf("ticket fields: Support %+v, Sales %+v; want Support %+v", support.TicketFields, sales.TicketFields, wantFields)
		}
		ths, err := st.ServiceThresholds(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		wantTh := parley.ServiceThresholds{ServiceID: support.ID, ServiceLevel: 30 * time.Second, ServiceLevelTarget: 90,
			Dropout: 5 * time.Second, ChatTimeLimit: 20 * time.Minute, MaxWait: 2 * time.Minute}
		if len(ths) != 1 || ths[support.ID] != wantTh {
			t.Errorf("thresholds = %+v, want only Support's %+v", ths, wantTh)
		}
		if zone, err := st.TenantTimeZone(ctx, "acme"); err != nil || zone != "Europe/Paris" {
			t.Errorf("time zone = %q, %v", zone, err)
		}
		users := byName(first.Users, func(u *parley.User) string { return u.Username })
		alice, sam, root := users["alice"], users["sam"], users["root"]
		if alice.DisplayName != "Alice Martin" || alice.Role != parley.RoleAgent || alice.Capacity != 2 {
			t.Errorf("alice = %+v", alice)
		}
		if got, want := sortedCopy(alice.ServiceIDs), sortedCopy([]string{support.ID, sales.ID}); !reflect.DeepEqual(got, want) {
			t.Errorf("alice services = %v, want %v", got, want)
		}
		if err := bcrypt.CompareHashAndPassword([]byte(alice.PasswordHash), []byte("alice-pass")); err != nil {
			t.Errorf("alice's hash does not match her password: %v", err)
		}
		// No display name: the username; no capacity: the default.
		if sam.DisplayName != "sam" || sam.Role != parley.RoleSupervisor || sam.Capacity != config.DefaultCapacity || len(sam.ServiceIDs) != 0 {
			t.Errorf("sam = %+v", sam)
		}
		if sam.PasswordHash != "$2a$10$abcdefghijklmnopqrstuu5Lh3cFv5y3r1b0c0d7pYH7sWbTvyR9S" {
			t.Errorf("sam's declared hash stored as %q", sam.PasswordHash)
		}
		// An explicit 0 is kept, not replaced by the default.
		if root.Role != parley.RoleAdmin || root.Capacity != 0 {
			t.Errorf("root = %+v", root)
		}
		entries := byName(first.Entries, func(e *parley.ScenarioEntry) string { return e.Name })
		if e := entries["Messenger"]; e.AccountID != page.ID || e.ScenarioName != "messenger-chat" || e.ServiceID != support.ID {
			t.Errorf("entry Messenger = %+v", e)
		}
		if e := entries["Sales Messenger"]; e.AccountID != accts["acme-sales-page"].ID || e.ScenarioName != "sales-chat" || e.ServiceID != "" {
			t.Errorf("entry Sales Messenger = %+v", e)
		}
		v1 := first.Scenarios["messenger-chat"]
		if v1.Version != 1 {
			t.Errorf("messenger-chat version = %d, want 1", v1.Version)
		}
		sc, err := scenario.Decode(v1.Definition, v1.Version)
		if err != nil {
			t.Fatalf("stored scenario does not decode: %v", err)
		}
		if spec, _ := sc.Block("find-agent"); spec.Params["priority"] != float64(5) || spec.Exits["found"] != "connecting" {
			t.Errorf("stored find-agent block = %+v", spec)
		}

		// Applying the same file again changes nothing.
		apply(t, st, "testdata/valid.yaml")
		if again := take(t, st, "acme"); !reflect.DeepEqual(again, first) {
			t.Errorf("second apply changed the store:\nbefore %+v\nafter  %+v", first, again)
		}

		// An edited file updates what changed, in place.
		apply(t, st, edited(t,
			"max_chats_per_agent: 2", "max_chats_per_agent: 4",
			"display_name: Alice Martin", "display_name: Alice M.",
			`text: "Connecting you to an agent."`, `text: "An agent will be with you shortly."`,
		))
		after := take(t, st, "acme")
		if !reflect.DeepEqual(after.Accounts, first.Accounts) || !reflect.DeepEqual(after.Entries, first.Entries) {
			t.Errorf("accounts or entries changed though the file did not change them")
		}
		svcs2 := byName(after.Services, func(s *parley.Service) string { return s.Name })
		if s := svcs2["Support"]; s.ID != support.ID || s.MaxChatsPerAgent != 4 {
			t.Errorf("Support after edit = %+v, want id %s, max 4", s, support.ID)
		}
		users2 := byName(after.Users, func(u *parley.User) string { return u.Username })
		if u := users2["alice"]; u.ID != alice.ID || u.DisplayName != "Alice M." || u.PasswordHash != alice.PasswordHash {
			t.Errorf("alice after edit = %+v, want same id and hash, name Alice M.", u)
		}
		if !reflect.DeepEqual(users2["sam"], sam) || !reflect.DeepEqual(users2["root"], root) {
			t.Errorf("unedited users changed")
		}
		v2 := after.Scenarios["messenger-chat"]
		if v2.Version != 2 || !strings.Contains(string(v2.Definition), "An agent will be with you shortly.") {
			t.Errorf("messenger-chat after edit = v%d %s", v2.Version, v2.Definition)
		}
		if got := after.Scenarios["sales-chat"].Version; got != 1 {
			t.Errorf("sales-chat version = %d after editing another scenario, want 1", got)
		}
		old, err := st.ScenarioAt(ctx, "acme", "messenger-chat", 1)
		if err != nil {
			t.Fatalf("version 1 no longer readable: %v", err)
		}
		if !reflect.DeepEqual(old.Definition, v1.Definition) {
			t.Errorf("version 1 changed:\n%s\nwant\n%s", old.Definition, v1.Definition)
		}

		// Applying the edited file again keeps version 2.
		apply(t, st, edited(t,
			"max_chats_per_agent: 2", "max_chats_per_agent: 4",
			"display_name: Alice Martin", "display_name: Alice M.",
			`text: "Connecting you to an agent."`, `text: "An agent will be with you shortly."`,
		))
		if got := take(t, st, "acme"); !reflect.DeepEqual(got, after) {
			t.Errorf("re-applying the edited file changed the store")
		}

		// A new password is hashed anew.
		apply(t, st, edited(t, "password: alice-pass", "password: new-pass"))
		u, err := st.UserByUsername(ctx, "acme", "alice")
		if err != nil {
			t.Fatal(err)
		}
		if u.PasswordHash == alice.PasswordHash || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("new-pass")) != nil {
			t.Errorf("alice's hash after a password change does not match the new password")
		}
	})
}

// Secrets from the environment are what gets stored.
func TestApplyEnvSecrets(t *testing.T) {
	t.Setenv("PARLEY_TEST_PAGE_TOKEN", "tok-from-env")
	t.Setenv("PARLEY_TEST_APP_SECRET", "s3cret")
	t.Setenv("PARLEY_TEST_VERIFY", "v")
	t.Setenv("PARLEY_TEST_ALICE_PASSWORD", "pw-from-env")
	st := sqltest.OpenSQLite(t)
	ctx := context.Background()
	f := load(t, "testdata/env.yaml")
	if err := f.Apply(ctx, st); err != nil {
		t.Fatal(err)
	}
	as, err := st.Accounts(ctx, parley.DefaultTenant)
	if err != nil || len(as) != 1 {
		t.Fatalf("Accounts = %v, %v", as, err)
	}
	if a := as[0]; a.AccessToken != "tok-from-env" || a.AppSecret != "prefix-s3cret-suffix" || a.VerifyToken != "verify-v-tok-from-env" {
		t.Errorf("stored secrets = %q %q %q", a.AccessToken, a.AppSecret, a.VerifyToken)
	}
	u, err := st.UserByUsername(ctx, parley.DefaultTenant, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte("pw-from-env")) != nil {
		t.Errorf("stored hash does not match the password from the environment")
	}
}

func sortedCopy(s []string) []string {
	return slices.Sorted(slices.Values(s))
}
