package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/parleycc/parley"
)

// TestLogoutRequeues: an agent who logs out with a chat leaves it in the
// queue, not with her; she is Offline and gets nothing until she is back.
func TestLogoutRequeues(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.customerSays("m_1", "Hello, my order is late")
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			var chats []chatJSON
			eventually(t, "the chat to be routed to alice", func() bool { chats = alice.chats(); return len(chats) == 1 })
			before, err := w.app.Store.Chat(context.Background(), chats[0].ID)
			if err != nil {
				t.Fatal(err)
			}

			if code := alice.do(http.MethodPost, "/api/logout", nil, nil); code != http.StatusNoContent {
				t.Fatalf("logout: HTTP %d", code)
			}
			after, err := w.app.Store.Chat(context.Background(), chats[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.State != parley.ChatQueued || after.AgentID != "" || !after.QueuedAt.Equal(before.QueuedAt) {
				t.Fatalf("after logout the chat is %s with %q queued at %v; want queued, nobody's, at %v",
					after.State, after.AgentID, after.QueuedAt, before.QueuedAt)
			}
			u, err := w.app.Store.User(context.Background(), before.AgentID)
			if err != nil {
				t.Fatal(err)
			}
			if u.State != parley.StateOffline {
				t.Fatalf("alice is %s after logout, want offline", u.State)
			}
			if code := alice.do(http.MethodGet, "/api/chats", nil, nil); code != http.StatusUnauthorized {
				t.Fatalf("after logout /api/chats: HTTP %d, want 401", code)
			}
		})
	}
}

// TestLogoutEndsPresence: after an agent logs out, the supervisor sees her
// Offline and away at once, not "Offline · Connected" while her desktop's
// stream is still open.
func TestLogoutEndsPresence(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			alice := w.login("alice", "alice-pass")
			sam := w.login("sam", "sam-pass")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			alice.stream(ctx, "") // her desktop is open
			present := func() (string, bool) {
				var v struct {
					Agents []struct {
						Username string `json:"username"`
						State    string `json:"state"`
						Present  bool   `json:"present"`
					} `json:"agents"`
				}
				if code := sam.do(http.MethodGet, "/api/supervisor", nil, &v); code != http.StatusOK {
					t.Fatalf("supervisor: HTTP %d", code)
				}
				for _, a := range v.Agents {
					if a.Username == "alice" {
						return a.State, a.Present
					}
				}
				t.Fatal("alice is not in the supervisor's view")
				return "", false
			}
			eventually(t, "alice to be connected", func() bool { _, p := present(); return p })
			if code := alice.do(http.MethodPost, "/api/logout", nil, nil); code != http.StatusNoContent {
				t.Fatalf("logout: HTTP %d", code)
			}
			if state, p := present(); state != parley.StateOffline || p {
				t.Fatalf("after logout the supervisor sees alice %s, present %v; want offline and away", state, p)
			}
		})
	}
}

// TestLogoutOneDevice: an agent signed in on two devices who logs out of
// one keeps working on the other: Ready, her chat still hers. She sees
// her sessions and can end the other one from here; logging out of her
// last one signs her off.
func TestLogoutOneDevice(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ctx := context.Background()
			w.customerSays("m_1", "Hello, my order is late")
			laptop := w.login("alice", "alice-pass")
			phone := w.login("alice", "alice-pass")
			if code := laptop.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			var chats []chatJSON
			eventually(t, "the chat to be routed to alice", func() bool { chats = laptop.chats(); return len(chats) == 1 })

			type sessionsJSON struct {
				Sessions []struct {
					ID      string `json:"id"`
					Current bool   `json:"current"`
				} `json:"sessions"`
			}
			var list sessionsJSON
			if code := laptop.do(http.MethodGet, "/api/me/sessions", nil, &list); code != http.StatusOK || len(list.Sessions) != 2 {
				t.Fatalf("sessions: HTTP %d %+v, want two", code, list)
			}

			if code := phone.do(http.MethodPost, "/api/logout", nil, nil); code != http.StatusNoContent {
				t.Fatalf("logout: HTTP %d", code)
			}
			c, err := w.app.Store.Chat(ctx, chats[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			u, err := w.app.Store.User(ctx, c.AgentID)
			if err != nil {
				t.Fatal(err)
			}
			if c.State != parley.ChatAssigned || u.Username != "alice" || u.State != parley.StateReady {
				t.Fatalf("after logging out of the phone: chat %s with %s, alice %s; want assigned to alice, Ready", c.State, u.Username, u.State)
			}
			if n := len(laptop.chats()); n != 1 {
				t.Fatalf("the laptop sees %d chats, want 1", n)
			}

			// A second phone session, ended from the laptop.
			phone = w.login("alice", "alice-pass")
			laptop.do(http.MethodGet, "/api/me/sessions", nil, &list)
			var other string
			for _, s := range list.Sessions {
				if !s.Current {
					other = s.ID
				}
			}
			if len(list.Sessions) != 2 || other == "" {
				t.Fatalf("sessions = %+v", list)
			}
			if code := laptop.do(http.MethodDelete, "/api/me/sessions/"+other, nil, nil); code != http.StatusNoContent {
				t.Fatalf("revoke: HTTP %d", code)
			}
			if code := phone.do(http.MethodGet, "/api/me", nil, nil); code != http.StatusUnauthorized {
				t.Fatalf("the revoked phone: HTTP %d, want 401", code)
			}
			if code := laptop.do(http.MethodDelete, "/api/me/sessions/"+other, nil, nil); code != http.StatusNotFound {
				t.Fatalf("revoking again: HTTP %d, want 404", code)
			}

			if code := laptop.do(http.MethodPost, "/api/logout", nil, nil); code != http.StatusNoContent {
				t.Fatalf("logout: HTTP %d", code)
			}
			if u, _ = w.app.Store.User(ctx, u.ID); u.State != parley.StateOffline {
				t.Fatalf("after logging out of her last session alice is %s, want offline", u.State)
			}
		})
	}
}
