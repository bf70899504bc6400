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
