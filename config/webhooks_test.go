package config_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestWebhookSecretEnv(t *testing.T) {
	for name, want := range map[string]string{
		"crm":          "PARLEY_WEBHOOK_CRM_SECRET",
		"Data lake #2": "PARLEY_WEBHOOK_DATA_LAKE_2_SECRET",
		"-x-":          "PARLEY_WEBHOOK_X_SECRET",
	} {
		if got := config.WebhookSecretEnv(name); got != want {
			t.Errorf("WebhookSecretEnv(%q) = %s, want %s", name, got, want)
		}
	}
}

// TestParseWebhooks: the secret is read from the environment, active is
// optional, a private target is taken when allowed.
func TestParseWebhooks(t *testing.T) {
	t.Setenv("PARLEY_TEST_WEBHOOK_SECRET", "whsec_from_env")
	f, err := config.Parse("hooks.yaml", []byte(`
webhooks:
  - name: crm
    url: https://crm.example.com/parley
    secret: ${PARLEY_TEST_WEBHOOK_SECRET}
    events: [chat.created, message.created, chat.closed]
  - name: lake
    url: http://127.0.0.1:9000/in
    secret: literal
    events: ["*"]
    allow_private: true
    active: false
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Webhooks) != 2 {
		t.Fatalf("webhooks = %+v", f.Webhooks)
	}
	crm, lake := f.Webhooks[0], f.Webhooks[1]
	if crm.Secret != "whsec_from_env" || crm.Active != nil || crm.AllowPrivate || len(crm.Events) != 3 {
		t.Errorf("crm = %+v", crm)
	}
	if lake.Secret != "literal" || lake.Active == nil || *lake.Active || !lake.AllowPrivate || !slices.Equal(lake.Events, []string{"*"}) {
		t.Errorf("lake = %+v", lake)
	}
	// A secret set but empty is a missing secret, as an account's token.
	t.Setenv("PARLEY_TEST_WEBHOOK_SECRET", "")
	_, err = config.Parse("hooks.yaml", []byte(`webhooks:
  - name: crm
    url: https://crm.example.com/parley
    secret: ${PARLEY_TEST_WEBHOOK_SECRET}
    events: [chat.created]
`))
	if want := "hooks.yaml:4: webhooks[0] (crm): secret: required"; err == nil || err.Error() != want {
		t.Errorf("Parse with an empty secret = %v, want %s", err, want)
	}
}

// TestApplyWebhooks: a subscription the file creates starts at the
// tenant's newest event, as one the API creates; updating it by name sets
// what the file says and keeps its delivery state; applying the same file
// again writes nothing; a subscription the file does not declare is left
// alone.
func TestApplyWebhooks(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		tenant := parley.DefaultTenant
		applyYAML := func(doc string) {
			t.Helper()
			f, err := config.Parse("hooks.yaml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			// In one transaction, as the server applies a file.
			if err := st.Atomically(ctx, "", func(tx parley.Store) error { return f.Apply(ctx, tx) }); err != nil {
				t.Fatal(err)
			}
		}
		hooksByName := func() map[string]*parley.HookSubscription {
			t.Helper()
			hs, err := st.Hooks(ctx, tenant)
			if err != nil {
				t.Fatal(err)
			}
			return byName(hs, func(h *parley.HookSubscription) string { return h.Name })
		}
		appendEvents := func(n int) int64 {
			t.Helper()
			var last int64
			for range n {
				e := &parley.Event{TenantID: tenant, Type: parley.EventChatUpdated, Hook: parley.HookChatCreated}
				if err := st.AppendEvent(ctx, e); err != nil {
					t.Fatal(err)
				}
				last = e.ID
			}
			return last
		}

		if err := st.EnsureTenant(ctx, &parley.Tenant{ID: tenant, Name: tenant}); err != nil {
			t.Fatal(err)
		}
		before := appendEvents(3)
		manual := &parley.HookSubscription{TenantID: tenant, Name: "manual", URL: "https://manual.example.com/", Secret: "whsec_manual",
			Events: []string{"*"}, Active: true, Cursor: before}
		if err := st.CreateHook(ctx, manual); err != nil {
			t.Fatal(err)
		}

		applyYAML(`
webhooks:
  - name: crm
    url: https://crm.example.com/parley
    secret: first-secret
    events: [message.created, chat.created, chat.created]
`)
		crm := hooksByName()["crm"]
		if crm == nil {
			t.Fatal("crm was not created")
		}
		if crm.Cursor != before || crm.Failures != 0 || !crm.Active || crm.AllowPrivate || crm.Secret != "first-secret" ||
			crm.URL != "https://crm.example.com/parley" || !slices.Equal(crm.Events, []string{parley.HookChatCreated, parley.HookMessageCreated}) {
			t.Fatalf("created %+v; want the cursor at the newest event %d, active, events sorted once", crm, before)
		}

		// The dispatcher delivers some and fails at the next.
		last := appendEvents(2)
		leased, err := st.LeaseDueHooks(ctx, "node-1", time.Now(), time.Now().Add(time.Minute), 10)
		if err != nil {
			t.Fatal(err)
		}
		var held *parley.HookSubscription
		for _, h := range leased {
			if h.ID == crm.ID {
				held = h
			}
		}
		if held == nil {
			t.Fatalf("crm not leased among %d", len(leased))
		}
		held.Cursor, held.Failures, held.LastError = last-1, 2, "503 Service Unavailable"
		if ok, err := st.AdvanceHook(ctx, "node-1", held, nil); err != nil || !ok {
			t.Fatalf("AdvanceHook = %v, %v", ok, err)
		}

		edited := `
webhooks:
  - name: crm
    url: https://crm2.example.com/parley
    secret: second-secret
    events: ["*"]
    active: true
  - name: lake
    url: http://10.1.2.3/in
    secret: lake-secret
    events: [chat.closed]
    allow_private: true
    active: false
`
		applyYAML(edited)
		got := hooksByName()
		up := got["crm"]
		if up.ID != crm.ID || up.URL != "https://crm2.example.com/parley" || up.Secret != "second-secret" || !slices.Equal(up.Events, []string{"*"}) {
			t.Errorf("updated %+v; want the file's url, secret and events on the same subscription", up)
		}
		if up.Cursor != last-1 || up.Failures != 2 || up.LastError != "503 Service Unavailable" {
			t.Errorf("updated cursor %d, failures %d, last error %q; want the delivery state kept (%d, 2)", up.Cursor, up.Failures, up.LastError, last-1)
		}
		lake := got["lake"]
		if lake == nil || lake.Active || !lake.AllowPrivate || lake.Cursor != last {
			t.Errorf("lake = %+v; want inactive, private allowed, from event %d", lake, last)
		}
		if m := got["manual"]; m == nil || m.Secret != "whsec_manual" || m.Version != manual.Version {
			t.Errorf("manual = %+v; want it left alone", m)
		}

		// The same file again writes nothing.
		applyYAML(edited)
		if again := hooksByName(); again["crm"].Version != up.Version || again["lake"].Version != lake.Version {
			t.Errorf("versions %d, %d after applying the same file; want %d, %d", again["crm"].Version, again["lake"].Version, up.Version, lake.Version)
		}
	})
}
