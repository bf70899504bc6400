package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestFileAccess checks who may download a stored file: the users who may
// see a chat whose messages reference it (its agent, supervisors and
// admins of the tenant) and its uploader; anyone else gets 404, as for a
// file that does not exist.
func TestFileAccess(t *testing.T) {
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG\r\n\x1a\nphoto"))
	}))
	t.Cleanup(cdn.Close)
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			bobID := addAgent(t, w, "bob", "bob-pass")
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			w.send(c.Attachment("m_img", "image", cdn.URL+"/photo.png", time.Now()))
			var photo string
			eventually(t, "the photo in the transcript", func() bool {
				if m := findKind(alice.rich(chatID), "attachment"); m != nil {
					photo = fileURL(t, m.Payload)
				}
				return photo != ""
			})
			if code := alice.upload("/api/chats/"+chatID+"/files", "invoice.pdf", []byte("%PDF-1.4 fake")); code != http.StatusCreated {
				t.Fatalf("upload: HTTP %d", code)
			}
			var upload string
			for _, m := range alice.rich(chatID) {
				if m.Direction == "out" && m.Kind == "attachment" {
					upload = fileURL(t, m.Payload)
				}
			}
			orphan := &parley.File{TenantID: parley.DefaultTenant, Name: "orphan.txt", ContentType: "text/plain", Data: []byte("x")}
			if err := w.app.Store.PutFile(context.Background(), orphan); err != nil {
				t.Fatal(err)
			}
			sam, ada, bob := w.login("sam", "sam-pass"), w.login("ada", "ada-pass"), w.login("bob", "bob-pass")
			tests := []struct {
				who  string
				as   *agent
				url  string
				want int
			}{
				{"the chat's agent, customer's photo", alice, photo, http.StatusOK},
				{"the chat's agent, her upload", alice, upload, http.StatusOK},
				{"supervisor", sam, photo, http.StatusOK},
				{"admin", ada, upload, http.StatusOK},
				{"another agent, photo", bob, photo, http.StatusNotFound},
				{"another agent, upload", bob, upload, http.StatusNotFound},
				{"admin, file no message references", ada, "/files/" + orphan.ID, http.StatusNotFound},
				{"agent, missing file", alice, "/files/01900000-0000-7000-8000-000000000000", http.StatusNotFound},
			}
			for _, tt := range tests {
				if got := tt.as.do(http.MethodGet, tt.url, nil, nil); got != tt.want {
					t.Errorf("%s: GET %s = %d, want %d", tt.who, tt.url, got, tt.want)
				}
			}
			// Once alice hands the chat on she no longer sees it, but she
			// still may download what she uploaded.
			if code := bob.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("bob ready: HTTP %d", code)
			}
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/transfer", map[string]string{"agent_id": bobID}, nil); code != http.StatusNoContent {
				t.Fatalf("transfer: HTTP %d", code)
			}
			if got := alice.do(http.MethodGet, photo, nil, nil); got != http.StatusNotFound {
				t.Errorf("after the transfer, alice GET photo = %d, want 404", got)
			}
			if got := alice.do(http.MethodGet, upload, nil, nil); got != http.StatusOK {
				t.Errorf("after the transfer, alice GET her upload = %d, want 200", got)
			}
		})
	}
}

// addAgent adds an agent with no services to the default tenant and
// returns the agent's id.
func addAgent(t *testing.T, w *world, username, password string) string {
	t.Helper()
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	u := &parley.User{TenantID: parley.DefaultTenant, Username: username, DisplayName: username, Role: parley.RoleAgent,
		PasswordHash: string(hash), Capacity: 1}
	if err := w.app.Store.UpsertUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// fileURL returns the /files/ URL of a message's first attachment.
func fileURL(t *testing.T, payload string) string {
	t.Helper()
	var p struct {
		Attachments []struct {
			URL string `json:"url"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil || len(p.Attachments) == 0 {
		t.Fatalf("attachment payload %q: %v", payload, err)
	}
	if u := p.Attachments[0].URL; strings.HasPrefix(u, "/files/") {
		return u
	}
	return ""
}
