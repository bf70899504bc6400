package app_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/secrets"
)

// TestCredentialsAtRest: the configuration file's page token and app
// secret are stored encrypted, Messenger still works with them, and no
// API gives them back.
func TestCredentialsAtRest(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			key := secrets.EncodeKey(secrets.NewKey())
			w := newTunedWorld(t, dsn(t), func(c *app.Config) { c.Secrets = app.SecretKeys{Key: key} })
			var tok, secret string
			if err := w.app.Store.DB().QueryRowContext(context.Background(), "SELECT access_token, app_secret FROM accounts").Scan(&tok, &secret); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(tok, pageToken) || strings.Contains(secret, appSecret) || !secrets.Sealed(tok) || !secrets.Sealed(secret) {
				t.Fatalf("stored token %q, app secret %q; want both sealed", tok, secret)
			}
			w.customerSays("m_1", "Hi") // the webhook's signature is checked with the app secret
			alice, chatID := connect(t, w)
			alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Hello from Parley"}, nil)
			eventually(t, "the reply to go out with the page token", func() bool { return countText(w.graph.SentTo(psid), "Hello from Parley") == 1 })

			ada := w.login("ada", "ada-pass")
			for _, path := range []string{"/api/admin/accounts"} {
				resp, err := ada.client.Get(ada.base + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || strings.Contains(string(body), pageToken) || strings.Contains(string(body), appSecret) || strings.Contains(string(body), "enc:v1") {
					t.Fatalf("%s: HTTP %d gives a credential back: %s", path, resp.StatusCode, body)
				}
			}

			// A restart without the key cannot read them and says so.
			if err := w.app.Close(); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(w.dsn, "postgres") {
				return // SQLite would make itself a key file beside the database
			}
			w.tune = nil
			cfg := app.Config{Addr: "127.0.0.1:0", Database: w.dsn}
			a := app.New(cfg)
			err := a.Start(context.Background())
			_ = a.Close()
			if err == nil || !strings.Contains(err.Error(), "key") {
				t.Fatalf("start without the key: %v; want an error naming the key", err)
			}
			w.tune = func(c *app.Config) { c.Secrets = app.SecretKeys{Key: key} }
			w.start()
		})
	}
}

// TestSQLiteKeyFile: a SQLite server given no key makes one beside its
// database on first start (the demo needs no setup) and keeps using it.
func TestSQLiteKeyFile(t *testing.T) {
	dir := t.TempDir()
	w := newWorld(t, filepath.Join(dir, "parley.db"))
	fi, err := os.Stat(filepath.Join(dir, app.KeyFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	var tok string
	if err := w.app.Store.DB().QueryRowContext(context.Background(), "SELECT access_token FROM accounts").Scan(&tok); err != nil {
		t.Fatal(err)
	}
	if !secrets.Sealed(tok) {
		t.Fatalf("stored token %q, want sealed", tok)
	}
	w.restart()
	w.customerSays("m_1", "Hi")
	alice, chatID := connect(t, w)
	alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "After a restart"}, nil)
	eventually(t, "the reply to go out", func() bool { return countText(w.graph.SentTo(psid), "After a restart") == 1 })
}
