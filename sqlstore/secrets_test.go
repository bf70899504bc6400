package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/secrets"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// rawCredentials reads an account's credential columns as stored.
func rawCredentials(t *testing.T, s *sqlstore.Store, name string) string {
	t.Helper()
	var tok, secret, verify, settings string
	if err := s.DB().QueryRowContext(ctx, "SELECT access_token, app_secret, verify_token, settings FROM accounts WHERE name = '"+name+"'").
		Scan(&tok, &secret, &verify, &settings); err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{tok, secret, verify, settings}, " | ")
}

// rawHookSecret reads a webhook's secret column as stored.
func rawHookSecret(t *testing.T, s *sqlstore.Store, name string) string {
	t.Helper()
	var secret string
	if err := s.DB().QueryRowContext(ctx, "SELECT secret FROM hook_subscriptions WHERE name = '"+name+"'").Scan(&secret); err != nil {
		t.Fatal(err)
	}
	return secret
}

// TestCredentialsEncrypted: an account's page token, app secret, verify
// token and secret settings, and a webhook's signing secret, are stored
// sealed and read back in clear; a
// rotation re-seals them with the new key, and values stored before
// encryption are sealed too.
func TestCredentialsEncrypted(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		plain := []string{"EAAG-page-token", "app-secret-123", "verify-me", "bot-key-456"}
		legacy := &parley.Account{TenantID: "t1", Name: "legacy", Type: "telegram", PageID: "p0", AccessToken: "legacy-token", Active: true}
		must(t, s.UpsertAccount(ctx, legacy)) // before the server had a key
		legacyHook := &parley.HookSubscription{TenantID: "t1", Name: "legacy-hook", URL: "https://crm.example.com/a", Secret: "whsec_legacy",
			Events: []string{"*"}, Active: true}
		must(t, s.CreateHook(ctx, legacyHook))

		k1, k2 := secrets.NewKey(), secrets.NewKey()
		ring1, err := secrets.NewKeyring(k1)
		must(t, err)
		s.SetKeyring(ring1)
		a := &parley.Account{TenantID: "t1", Name: "enc", Type: "vonage", PageID: "p1", AccessToken: plain[0], AppSecret: plain[1],
			VerifyToken: plain[2], Active: true, Settings: map[string]string{"api_secret": plain[3], "sender_name": "Acme"}}
		if !parley.SecretSetting("api_secret") || parley.SecretSetting("sender_name") {
			t.Fatal("the test's settings are not the kinds it means")
		}
		must(t, s.UpsertAccount(ctx, a))
		raw := rawCredentials(t, s, "enc")
		for _, p := range plain {
			if strings.Contains(raw, p) {
				t.Fatalf("stored in clear: %q in %s", p, raw)
			}
		}
		if !strings.Contains(raw, "Acme") {
			t.Fatalf("a setting that is not secret was sealed: %s", raw)
		}
		got, err := s.Account(ctx, a.ID)
		must(t, err)
		if got.AccessToken != plain[0] || got.AppSecret != plain[1] || got.VerifyToken != plain[2] || got.Settings["api_secret"] != plain[3] || got.Settings["sender_name"] != "Acme" {
			t.Fatalf("read back %+v", got)
		}
		if a.AccessToken != plain[0] || a.Settings["api_secret"] != plain[3] {
			t.Fatalf("UpsertAccount changed the caller's account: %+v", a)
		}
		hook := &parley.HookSubscription{TenantID: "t1", Name: "crm", URL: "https://crm.example.com/b", Secret: "whsec_new",
			Events: []string{"*"}, Active: true}
		must(t, s.CreateHook(ctx, hook))
		if raw := rawHookSecret(t, s, "crm"); strings.Contains(raw, "whsec_new") || !secrets.Sealed(raw) {
			t.Fatalf("webhook secret stored as %q", raw)
		}
		hook.Secret, hook.URL = "whsec_edited", "https://crm.example.com/c"
		must(t, s.UpdateHook(ctx, hook))
		if raw := rawHookSecret(t, s, "crm"); strings.Contains(raw, "whsec_edited") || !secrets.Sealed(raw) {
			t.Fatalf("edited webhook secret stored as %q", raw)
		}
		if got, err := s.Hook(ctx, "t1", hook.ID); err != nil || got.Secret != "whsec_edited" {
			t.Fatalf("webhook read back %+v, %v", got, err)
		}

		// Start-up seals what was stored before encryption, nothing else.
		n, err := s.ResealSecrets(ctx, false)
		must(t, err)
		if n != 2 || strings.Contains(rawCredentials(t, s, "legacy"), "legacy-token") || !secrets.Sealed(rawHookSecret(t, s, "legacy-hook")) {
			t.Fatalf("resealed %d; legacy row %s, legacy webhook %s", n, rawCredentials(t, s, "legacy"), rawHookSecret(t, s, "legacy-hook"))
		}

		// Rotation: k2 current, k1 old; everything ends sealed with k2.
		ring2, err := secrets.NewKeyring(k2, k1)
		must(t, err)
		s.SetKeyring(ring2)
		if got, err := s.Account(ctx, a.ID); err != nil || got.AccessToken != plain[0] {
			t.Fatalf("with the rotated ring before resealing: %v %v", got, err)
		}
		n, err = s.ResealSecrets(ctx, true)
		must(t, err)
		if n != 4 {
			t.Fatalf("rotated %d accounts and webhooks, want 4", n)
		}
		onlyNew, err := secrets.NewKeyring(k2)
		must(t, err)
		s.SetKeyring(onlyNew)
		all, err := s.Accounts(ctx, "t1")
		must(t, err)
		if len(all) != 2 || all[0].AccessToken != plain[0] || all[1].AccessToken != "legacy-token" {
			t.Fatalf("after rotation, with the new key alone: %+v", all)
		}
		hooks, err := s.Hooks(ctx, "t1")
		must(t, err)
		secretsRead := map[string]string{}
		for _, h := range hooks {
			secretsRead[h.Name] = h.Secret
		}
		if secretsRead["crm"] != "whsec_edited" || secretsRead["legacy-hook"] != "whsec_legacy" {
			t.Fatalf("webhook secrets after rotation, with the new key alone: %v", secretsRead)
		}
		if n, _ := s.ResealSecrets(ctx, true); n != 0 {
			t.Fatalf("a second rotation rewrote %d", n)
		}
	})
}
