package app_test

import (
	"net/http"
	"testing"
)

// TestDesktopChatViews: what the Agent Desktop needs from the chat API —
// the customer's last message (not the bot's last line) for previews, the
// agent id of each agent message (to tell one's own from a colleague's),
// and ?mine=true, with which a supervisor lists only their own chats.
func TestDesktopChatViews(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.customerSays("m_1", "My invoice is wrong")
			alice := w.login("alice", "alice-pass")
			alice.ready()
			var chats []chatJSON
			eventually(t, "the chat to be routed to alice", func() bool { chats = alice.chats(); return len(chats) == 1 })
			id := chats[0].ID

			var view struct {
				LastMessage struct {
					Sender string `json:"sender"`
				} `json:"last_message"`
				LastCustomerMessage *struct {
					Text string `json:"text"`
				} `json:"last_customer_message"`
			}
			if code := alice.do(http.MethodGet, "/api/chats/"+id, nil, &view); code != http.StatusOK {
				t.Fatalf("chat: HTTP %d", code)
			}
			if view.LastCustomerMessage == nil || view.LastCustomerMessage.Text != "My invoice is wrong" {
				t.Fatalf("last_customer_message = %+v (last message from %s), want the customer's question", view.LastCustomerMessage, view.LastMessage.Sender)
			}

			var me struct{ ID string }
			alice.do(http.MethodGet, "/api/me", nil, &me)
			var sent struct {
				AgentID string `json:"agent_id"`
			}
			if code := alice.do(http.MethodPost, "/api/chats/"+id+"/messages", map[string]string{"text": "Let me check"}, &sent); code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			if sent.AgentID != me.ID {
				t.Errorf("agent_id of alice's message = %q, want %q", sent.AgentID, me.ID)
			}

			sam := w.login("sam", "sam-pass")
			var all, mine struct{ Chats []chatJSON }
			if code := sam.do(http.MethodGet, "/api/chats", nil, &all); code != http.StatusOK || len(all.Chats) != 1 {
				t.Errorf("supervisor's /api/chats: HTTP %d, %d chats; want every open chat (1)", code, len(all.Chats))
			}
			if code := sam.do(http.MethodGet, "/api/chats?mine=true", nil, &mine); code != http.StatusOK || len(mine.Chats) != 0 {
				t.Errorf("supervisor's /api/chats?mine=true: HTTP %d, %d chats; want none of alice's", code, len(mine.Chats))
			}
			if code := sam.do(http.MethodGet, "/api/chats?mine=perhaps", nil, nil); code != http.StatusBadRequest {
				t.Errorf("/api/chats?mine=perhaps: HTTP %d, want 400", code)
			}
		})
	}
}
