package app_test

import (
	"net/http"
	"sync"
	"testing"
)

// TestReplyOnce: an agent's send with a client_id is safe to repeat. The
// same request sent again (even at the same moment, as a browser retrying
// a POST whose connection dropped does) answers the message stored the
// first time, and the customer gets it once; a new key is a new message;
// a key reused for other text is refused, and a malformed one is 400.
func TestReplyOnce(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newDeskWorld(t, dsn(t))
			alice := w.login("alice", "alice-pass")
			chat := w.routedChat(t, alice, "7000000000000001", "Jane")
			path := "/api/chats/" + chat + "/messages"
			send := func(text, key string) (int, messageJSON) {
				var m messageJSON
				code, _ := alice.call(http.MethodPost, path, map[string]string{"text": text, "client_id": key}, &m)
				return code, m
			}

			const key = "5f2b9c0e7d1a4e3f8b6c2d9a0e1f3b7c"
			var wg sync.WaitGroup
			ids := make([]string, 3)
			for i := range ids {
				wg.Go(func() {
					code, m := send("Let me look into it", key)
					if code != http.StatusCreated {
						t.Errorf("send %d: HTTP %d", i, code)
					}
					ids[i] = m.ID
				})
			}
			wg.Wait()
			if ids[0] == "" || ids[1] != ids[0] || ids[2] != ids[0] {
				t.Fatalf("the same key answered messages %q, want one", ids)
			}
			if code, m := send("Found it, refunding now", "0a1b2c3d4e5f60718293a4b5c6d7e8f9"); code != http.StatusCreated || m.ID == ids[0] {
				t.Fatalf("a new key: HTTP %d, message %s", code, m.ID)
			}
			alice.expect(http.StatusConflict, "was used for another message", http.MethodPost, path,
				map[string]string{"text": "Something else", "client_id": key}, nil)
			for _, bad := range []string{"short", "has spaces in it", "ünïcödé-key-123"} {
				alice.expect(http.StatusBadRequest, "client_id", http.MethodPost, path, map[string]string{"text": "Hi", "client_id": bad}, nil)
			}

			eventually(t, "both replies sent", func() bool {
				return countText(w.graph.SentTo("7000000000000001"), "Found it, refunding now") == 1
			})
			if n := countText(w.graph.SentTo("7000000000000001"), "Let me look into it"); n != 1 {
				t.Errorf("the customer got the repeated send %d times, want once", n)
			}
			n := 0
			for _, m := range alice.messages(chat) {
				if m.Text == "Let me look into it" {
					n++
				}
			}
			if n != 1 {
				t.Errorf("the transcript holds the repeated send %d times, want once", n)
			}
		})
	}
}
