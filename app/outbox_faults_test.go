package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// TestGraphTimeoutNotResent: Graph takes the message but its answer never
// comes back in time. The message may have been sent, so it is failed as
// such and never sent again (the customer would get it twice); the chat's
// next message goes out as usual once Graph answers again.
func TestGraphTimeoutNotResent(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newTunedWorld(t, dsn(t), func(c *app.Config) { c.SendTimeout = 300 * time.Millisecond })
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)

			w.graph.HoldAnswers(3 * time.Second) // frozen: takes the send, answers too late
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Frozen reply"}, nil); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			var got richMessage
			eventually(t, "the frozen reply to be failed", func() bool {
				for _, m := range alice.rich(chatID) {
					if m.Text == "Frozen reply" {
						got = m
					}
				}
				return got.Status == parley.MsgFailed
			})
			if !strings.HasPrefix(got.Error, parley.MaybeSentPrefix) {
				t.Fatalf("frozen reply failed with %q; want it to say it may have been sent", got.Error)
			}

			w.graph.HoldAnswers(0)
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Next reply"}, nil); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			eventually(t, "the next reply to go out", func() bool { return countText(w.graph.SentTo(psid), "Next reply") == 1 })
			// Past every backoff a retry would have waited: still once.
			if n := countText(w.graph.SentTo(psid), "Frozen reply"); n != 1 {
				t.Fatalf("Graph got the frozen reply %d times, want 1", n)
			}
			for _, m := range alice.rich(chatID) {
				if m.Text == "Frozen reply" && m.Status != parley.MsgFailed {
					t.Fatalf("frozen reply became %s", m.Status)
				}
			}
		})
	}
}

// TestCrashOnlyBegunSendsInDoubt: a node claimed a batch of replies and
// was killed after it had begun sending only one of them. The node that
// takes over fails that one as "may have been sent" and sends every other
// reply once: a reply that never left is not lost.
func TestCrashOnlyBegunSendsInDoubt(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ctx := context.Background()
			psids := []string{"7100000000000001", "7100000000000002", "7100000000000003", "7100000000000004"}
			for i, p := range psids {
				body := fakegraph.TextEvent(pageID, p, fmt.Sprintf("m_crash_%d", i), "Hello", time.Now())
				if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
					t.Fatalf("webhook: %s %s", resp.Status, msg)
				}
			}
			var chats []*parley.Chat
			eventually(t, "a chat per customer", func() bool {
				var err error
				chats, err = w.app.Store.Chats(ctx, parley.ChatFilter{TenantID: parley.DefaultTenant})
				return err == nil && len(chats) == len(psids)
			})
			// Each scenario has run up to Find Agent (the chat waits in the
			// queue: nobody is Ready) and its greeting has gone out; a chat
			// that merely exists may not have queued its greeting yet.
			eventually(t, "the scenarios to wait in the queue, their messages sent", func() bool {
				for _, c := range chats {
					if c, err := w.app.Store.Chat(ctx, c.ID); err != nil || c.State != parley.ChatQueued {
						return false
					}
					ms, err := w.app.Store.Messages(ctx, c.ID, 0)
					if err != nil {
						return false
					}
					for _, m := range ms {
						if m.Status == parley.MsgPending || m.Status == parley.MsgSending {
							return false
						}
					}
				}
				return true
			})

			// The node is killed holding claims: the replies were queued and
			// claimed three minutes ago, and only the first one's send began.
			if err := w.app.Close(); err != nil {
				t.Fatal(err)
			}
			st, err := app.OpenStore(ctx, w.dsn)
			if err != nil {
				t.Fatal(err)
			}
			ours := map[string]string{} // message id -> text
			for _, c := range chats {
				m := &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: parley.SenderAgent, Kind: parley.KindText, Text: "Reply for chat " + c.ID}
				if err := st.AddMessage(ctx, m); err != nil {
					t.Fatal(err)
				}
				ours[m.ID] = m.Text
			}
			claimed, err := st.ClaimOutbound(ctx, time.Now().Add(-3*time.Minute), 100)
			if err != nil || len(claimed) != len(chats) {
				t.Fatalf("claimed %d (%v), want %d", len(claimed), err, len(chats))
			}
			for _, m := range claimed {
				if _, ok := ours[m.ID]; !ok {
					t.Fatalf("claimed %q, which is not one of the replies", m.Text)
				}
			}
			begun := claimed[0]
			if err := st.StartSend(ctx, begun.ID, begun.Attempts, time.Now().Add(-3*time.Minute)); err != nil {
				t.Fatal(err)
			}
			_ = st.Close()

			w.start() // the node that takes over
			eventually(t, "every reply that never left to go out", func() bool {
				for id, text := range ours {
					if id != begun.ID && countText(w.graph.Sent(), text) != 1 {
						return false
					}
				}
				return true
			})
			m, err := w.app.Store.Message(ctx, begun.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != parley.MsgFailed || !strings.HasPrefix(m.Error, parley.MaybeSentPrefix) {
				t.Fatalf("the begun reply is %s %q; want failed, may have been sent", m.Status, m.Error)
			}
			if n := countText(w.graph.Sent(), begun.Text); n != 0 {
				t.Fatalf("the begun reply was sent again %d times", n)
			}
		})
	}
}
