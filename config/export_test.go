package config_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestExportRoundTrip: the demo's configuration, applied, exported,
// applied to an empty database and exported again, gives the same file;
// the export holds everything the demo declares, and no secret.
func TestExportRoundTrip(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *sqlstore.Store{"sqlite": sqltest.OpenSQLite, "postgres": sqltest.OpenPostgres} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			demo := load(t, "../app/demo.yaml")
			demo.PasswordCost = bcrypt.MinCost
			a := open(t)
			if err := demo.Apply(ctx, a); err != nil {
				t.Fatal(err)
			}
			// Webhooks as an admin makes them (the secret generated, the
			// events sorted), one of them switched off.
			for _, h := range []*parley.HookSubscription{
				{TenantID: parley.DefaultTenant, Name: "crm", URL: "https://crm.example.com/parley", Secret: "whsec_crm_0123456789",
					Events: []string{parley.HookChatClosed, parley.HookChatCreated, parley.HookMessageCreated}, Active: true},
				{TenantID: parley.DefaultTenant, Name: "Data lake", URL: "http://10.0.0.7:8080/in", Secret: "whsec_lake_0123456789",
					Events: []string{"*"}, AllowPrivate: true},
			} {
				if err := a.CreateHook(ctx, h); err != nil {
					t.Fatal(err)
				}
			}
			first := export(t, a)
			for _, want := range []string{"webhooks:\n  - name: Data lake\n", "secret: ${PARLEY_WEBHOOK_DATA_LAKE_SECRET}", "events: ['*']",
				"allow_private: true\n    active: false\n  - name: crm\n", "secret: ${PARLEY_WEBHOOK_CRM_SECRET}",
				"events: [chat.closed, chat.created, message.created]"} {
				if !bytes.Contains(first, []byte(want)) {
					t.Errorf("the export lacks %q:\n%s", want, first)
				}
			}
			hs, err := a.Hooks(ctx, parley.DefaultTenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hs {
				if bytes.Contains(first, []byte(h.Secret)) {
					t.Errorf("the export holds webhook %s's secret", h.Name)
				}
				t.Setenv(config.WebhookSecretEnv(h.Name), h.Secret)
			}
			out, err := config.Parse("export.yaml", first)
			if err == nil || !strings.Contains(err.Error(), "environment variable PARLEY_") {
				t.Fatalf("an export read without its secrets: %v", err)
			}
			// Everything the demo declares is in it.
			if got, want := counts(t, first), counts(t, mustRead(t, "../app/demo.yaml")); got != want {
				t.Errorf("export has %s, the demo %s", got, want)
			}
			accts, err := a.Accounts(ctx, parley.DefaultTenant)
			if err != nil {
				t.Fatal(err)
			}
			for _, acct := range accts {
				for field, v := range map[string]string{"access_token": acct.AccessToken, "app_secret": acct.AppSecret, "verify_token": acct.VerifyToken} {
					if v != "" && bytes.Contains(first, []byte(v)) {
						t.Errorf("the export holds %s's %s", acct.Name, field)
					}
					t.Setenv(config.SecretEnv(acct.Name, field), v)
				}
				for k, v := range acct.Settings {
					if parley.SecretSetting(k) {
						t.Setenv(config.SecretEnv(acct.Name, k), v)
					}
				}
			}

			path := filepath.Join(t.TempDir(), "export.yaml")
			if err := os.WriteFile(path, first, 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err = config.Load(path); err != nil {
				t.Fatalf("the export does not load: %v", err)
			}
			b := open(t)
			if err := out.Apply(ctx, b); err != nil {
				t.Fatal(err)
			}
			if second := export(t, b); !bytes.Equal(first, second) {
				t.Errorf("export → apply → export differs:\n--- first\n%s\n--- second\n%s", first, second)
			}
			// The same webhooks, signing with the same secrets.
			hb, err := b.Hooks(ctx, parley.DefaultTenant)
			if err != nil || len(hb) != 2 {
				t.Fatalf("webhooks on the new database: %+v, %v", hb, err)
			}
			for i, h := range hb {
				if h.Name != hs[i].Name || h.Secret != hs[i].Secret || h.Active != hs[i].Active {
					t.Errorf("webhook %+v on the new database, %+v on the first", h, hs[i])
				}
			}
			// Same people, same passwords, same teams.
			alice, err := b.UserByUsername(ctx, parley.DefaultTenant, "alice")
			if err != nil || bcrypt.CompareHashAndPassword([]byte(alice.PasswordHash), []byte("alice-demo")) != nil {
				t.Errorf("alice on the new database: %v", err)
			}
			if cleo, err := b.UserByUsername(ctx, parley.DefaultTenant, "cleo"); err != nil || cleo.TeamName != "Specialists" {
				t.Errorf("cleo's team on the new database: %+v, %v", cleo, err)
			}
		})
	}
}

func export(t *testing.T, st *sqlstore.Store) []byte {
	t.Helper()
	f, err := config.Export(context.Background(), st, parley.DefaultTenant)
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// counts summarises a file's declarations, read as plain YAML (an export
// needs its environment to load).
func counts(t *testing.T, data []byte) string {
	t.Helper()
	var f struct {
		Accounts, Services, Teams, Users, Entries, Scenarios, Schedules []map[string]any
		Canned                                                          []map[string]any `yaml:"canned_responses"`
		Forms                                                           []map[string]any `yaml:"evaluation_forms"`
		Reasons                                                         []string         `yaml:"not_ready_reasons"`
	}
	if err := yamlUnmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, n := range []struct {
		name string
		n    int
	}{{"accounts", len(f.Accounts)}, {"services", len(f.Services)}, {"teams", len(f.Teams)}, {"users", len(f.Users)}, {"entries", len(f.Entries)},
		{"scenarios", len(f.Scenarios)}, {"schedules", len(f.Schedules)}, {"canned", len(f.Canned)}, {"forms", len(f.Forms)}, {"reasons", len(f.Reasons)}} {
		b.WriteString(n.name + "=" + strconv.Itoa(n.n) + " ")
	}
	return b.String()
}

func yamlUnmarshal(data []byte, v any) error { return yaml.Unmarshal(data, v) }
