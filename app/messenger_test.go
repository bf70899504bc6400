package app_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// richMessage is a transcript message with its kind detail.
type richMessage struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	Sender    string `json:"sender"`
	Kind      string `json:"kind"`
	Text      string `json:"text"`
	Payload   string `json:"payload"`
	Status    string `json:"status"`
	Error     string `json:"error"`
}

func (a *agent) rich(chatID string) []richMessage {
	var out struct{ Messages []richMessage }
	if code := a.do(http.MethodGet, "/api/chats/"+chatID+"/messages", nil, &out); code != http.StatusOK {
		a.t.Fatalf("messages: HTTP %d", code)
	}
	return out.Messages
}

func (w *world) send(items ...map[string]any) {
	w.t.Helper()
	body := fakegraph.Body(pageID, items...)
	if resp, msg := w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
		w.t.Fatalf("webhook: %s %s", resp.Status, msg)
	}
}

// connect makes alice ready and waits for the customer's chat.
func connect(t *testing.T, w *world) (*agent, string) {
	t.Helper()
	alice := w.login("alice", "alice-pass")
	if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
		t.Fatalf("ready: HTTP %d", code)
	}
	var me struct {
		ID string `json:"id"`
	}
	alice.do(http.MethodGet, "/api/me", nil, &me)
	var id string
	eventually(t, "a chat assigned to alice", func() bool {
		for _, c := range alice.chats() {
			if c.State == "assigned" {
				id = c.ID
				return true
			}
		}
		return false
	})
	return alice, id
}

func findKind(ms []richMessage, kind string) *richMessage {
	for i := range ms {
		if ms[i].Kind == kind {
			return &ms[i]
		}
	}
	return nil
}

// TestMessengerInboundKinds sends every inbound event kind through the real
// webhook and checks the transcript keeps its meaning.
func TestMessengerInboundKinds(t *testing.T) {
	photo := []byte("\x89PNG\r\n\x1a\nfake-png-bytes")
	cdn := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(photo)
	}))
	t.Cleanup(cdn.Close)
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			now := time.Now()
			w.customerSays("m_text", "Hello")
			alice, chatID := connect(t, w)

			// One batch whose items arrive out of order: the parser sorts by timestamp.
			w.send(
				c.Location("m_loc", 48.8584, 2.2945, "Eiffel Tower", now.Add(2*time.Second)),
				c.Attachment("m_img", "image", cdn.URL+"/photo.png", now.Add(1*time.Second)),
			)
			w.send(c.Sticker("m_like", messenger.LikeStickerID, cdn.URL+"/like.png", now.Add(3*time.Second)))
			w.send(c.QuickReply("m_qr", "Yes please", "CONFIRM_YES", now.Add(4*time.Second)))
			w.send(c.Postback("m_pb", "Track order", "TRACK", now.Add(5*time.Second)))
			w.send(c.Referral("summer-ad", "ADS", now.Add(6*time.Second)))
			w.send(c.Echo(42, "m_echo", "Sent from Page Inbox", now.Add(7*time.Second)))
			w.send(map[string]any{"sender": map[string]any{"id": psid}, "recipient": map[string]any{"id": pageID},
				"timestamp": now.Add(8 * time.Second).UnixMilli(), "brand_new_kind": map[string]any{"x": 1}})

			var ms []richMessage
			eventually(t, "every kind in the transcript, the photo copied", func() bool {
				ms = alice.rich(chatID)
				img := findKind(ms, "attachment")
				return findKind(ms, "echo") != nil && findKind(ms, "referral") != nil && img != nil && !strings.Contains(img.Payload, `"copying":true`)
			})
			var order []string
			for _, m := range ms {
				if m.Direction == "in" {
					order = append(order, m.Kind)
				}
			}
			want := []string{"text", "attachment", "location", "sticker", "quick_reply", "postback", "referral"}
			if !slices.Equal(order, want) {
				t.Fatalf("inbound kinds = %v, want %v", order, want)
			}
			img := findKind(ms, "attachment")
			var att struct {
				Attachments []struct{ Type, URL, FileID string } `json:"attachments"`
			}
			if err := json.Unmarshal([]byte(img.Payload), &att); err != nil || len(att.Attachments) != 1 || att.Attachments[0].Type != "image" || !strings.HasPrefix(att.Attachments[0].URL, "/files/") {
				t.Fatalf("image payload = %s", img.Payload)
			}
			resp, err := alice.client.Get(alice.base + att.Attachments[0].URL)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, photo) || resp.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("our copy of the photo: %s %q %q", resp.Status, resp.Header.Get("Content-Type"), got)
			}
			if loc := findKind(ms, "location"); !strings.Contains(loc.Payload, `"lat":48.8584`) || !strings.Contains(loc.Payload, "openstreetmap.org") || loc.Text != "Eiffel Tower" {
				t.Fatalf("location = %+v", loc)
			}
			if st := findKind(ms, "sticker"); !strings.Contains(st.Payload, `"like":true`) {
				t.Fatalf("sticker = %+v", st)
			}
			if qr := findKind(ms, "quick_reply"); qr.Payload != "CONFIRM_YES" || qr.Text != "Yes please" {
				t.Fatalf("quick reply = %+v", qr)
			}
			if pb := findKind(ms, "postback"); pb.Payload != "TRACK" || pb.Text != "Track order" {
				t.Fatalf("postback = %+v", pb)
			}
			if ref := findKind(ms, "referral"); !strings.Contains(ref.Payload, `"ref":"summer-ad"`) {
				t.Fatalf("referral = %+v", ref)
			}
			if e := findKind(ms, "echo"); e.Direction != "out" || e.Sender != "page" || e.Text != "Sent from Page Inbox" {
				t.Fatalf("echo = %+v, want an outbound page message", e)
			}
		})
	}
}

// TestMessengerOutboundKinds has the agent reply with text, a file and
// quick replies; receipts tick the messages; each send happens once.
func TestMessengerOutboundKinds(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)
			path := "/api/chats/" + chatID

			if code := alice.do(http.MethodPost, path+"/messages", map[string]string{"text": "Plain text"}, nil); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("text: HTTP %d", code)
			}
			qr := map[string]any{"text": "Did that help?", "quick_replies": []map[string]string{{"title": "Yes", "payload": "YES"}, {"title": "No"}}}
			if code := alice.do(http.MethodPost, path+"/rich", qr, nil); code != http.StatusCreated {
				t.Fatalf("quick replies: HTTP %d", code)
			}
			btn := map[string]any{"text": "Pick one", "buttons": []map[string]string{{"title": "Track", "payload": "TRACK"}, {"title": "Site", "url": "https://example.com"}}}
			if code := alice.do(http.MethodPost, path+"/rich", btn, nil); code != http.StatusCreated {
				t.Fatalf("buttons: HTTP %d", code)
			}
			if code := alice.upload(path+"/files", "invoice.pdf", []byte("%PDF-1.4 fake")); code != http.StatusCreated {
				t.Fatalf("upload: HTTP %d", code)
			}
			if code := alice.do(http.MethodPost, path+"/action", map[string]string{"action": "typing_on"}, nil); code != http.StatusAccepted {
				t.Fatalf("typing: HTTP %d", code)
			}

			var calls []fakegraph.SentCall
			eventually(t, "the upload to be sent", func() bool {
				calls = w.graph.SentTo(psid)
				return slices.ContainsFunc(calls, func(c fakegraph.SentCall) bool { return c.File != nil })
			})
			eventually(t, "typing_on", func() bool {
				return slices.ContainsFunc(w.graph.SentTo(psid), func(c fakegraph.SentCall) bool { return c.SenderAction == "typing_on" })
			})
			calls = w.graph.SentTo(psid)
			var text, quick, button, file *fakegraph.SentCall
			for i, c := range calls {
				switch {
				case c.Text == "Plain text":
					text = &calls[i]
				case c.Text == "Did that help?":
					quick = &calls[i]
				case c.TemplateType == "button":
					button = &calls[i]
				case c.File != nil:
					file = &calls[i]
				}
			}
			if text == nil || quick == nil || button == nil || file == nil {
				t.Fatalf("calls = %+v", calls)
			}
			if countText(calls, "Plain text") != 1 || countText(calls, "Did that help?") != 1 {
				t.Fatalf("a message was sent more than once: %v", texts(calls))
			}
			if text.MessagingType != "RESPONSE" || text.Tag != "" {
				t.Fatalf("text messaging_type %q tag %q", text.MessagingType, text.Tag)
			}
			if len(quick.QuickReplies) != 2 || quick.QuickReplies[1].Payload != "No" || quick.QuickReplies[0].Payload != "YES" {
				t.Fatalf("quick replies = %+v", quick.QuickReplies)
			}
			if file.File.Name != "invoice.pdf" || string(file.File.Data) != "%PDF-1.4 fake" || file.AttachmentType != "file" {
				t.Fatalf("upload = %+v %+v", file.File, file.AttachmentType)
			}
			if meta, _ := button.Body["message"].(map[string]any)["metadata"].(string); !strings.HasPrefix(meta, "parley:") {
				t.Fatalf("button template without our metadata: %v", button.Body)
			}

			// The customer's phone receives and reads them.
			c := fakegraph.Customer{PageID: pageID, PSID: psid}
			w.send(c.Delivery([]string{text.MessageID}, time.Time{}, time.Now()))
			eventually(t, "delivered tick", func() bool {
				for _, m := range alice.rich(chatID) {
					if m.Text == "Plain text" {
						return m.Status == "delivered"
					}
				}
				return false
			})
			w.send(c.Read(time.Now(), time.Now()))
			eventually(t, "read ticks", func() bool {
				for _, m := range alice.rich(chatID) {
					if m.Direction == "out" && m.Sender == "agent" && m.Status != "read" {
						return false
					}
				}
				return true
			})
		})
	}
}

func (a *agent) upload(path, name string, data []byte) int {
	a.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, a.base+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestMessengerTokenFlipAndWindow: a token error holds the outbox and
// flips the account; fixing the token in Admin sends the held message
// once. Outside the 24-hour window only agents may write, with HUMAN_AGENT,
// when the page has that permission.
func TestMessengerTokenFlipAndWindow(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)
			ada := w.login("ada", "ada-pass")
			var accounts struct {
				Accounts []struct {
					ID     string `json:"id"`
					Active bool   `json:"active"`
					Reason string `json:"status_reason"`
				} `json:"accounts"`
			}
			ada.do(http.MethodGet, "/api/admin/accounts", nil, &accounts)
			acctID := accounts.Accounts[0].ID

			// The page's token is revoked on Facebook's side.
			w.graph.AddPage(pageID, "Acme", "rotated-token")
			alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "Held reply"}, nil)
			eventually(t, "the account to go inactive", func() bool {
				ada.do(http.MethodGet, "/api/admin/accounts", nil, &accounts)
				return !accounts.Accounts[0].Active && accounts.Accounts[0].Reason != ""
			})
			for _, m := range alice.rich(chatID) {
				if m.Text == "Held reply" && m.Status != "pending" {
					t.Fatalf("held reply is %s (%s), want pending", m.Status, m.Error)
				}
			}
			var res struct {
				Valid  bool   `json:"valid"`
				Reason string `json:"reason"`
			}
			ada.do(http.MethodPost, "/api/admin/accounts/test", map[string]string{"id": acctID}, &res)
			if res.Valid || !strings.Contains(res.Reason, "access token") {
				t.Fatalf("test connection with the old token = %+v", res)
			}
			ada.do(http.MethodPost, "/api/admin/accounts/test", map[string]string{"id": acctID, "access_token": "rotated-token"}, &res)
			if !res.Valid {
				t.Fatalf("test connection with the new token = %+v", res)
			}
			if code := ada.do(http.MethodPut, "/api/admin/accounts/"+acctID, map[string]any{"name": "acme-page", "page_id": pageID, "access_token": "rotated-token"}, nil); code != http.StatusOK {
				t.Fatalf("update token: HTTP %d", code)
			}
			eventually(t, "the held reply to go out", func() bool { return countText(w.graph.SentTo(psid), "Held reply") == 1 })

			// Health: the platform dropped the subscription; a check re-subscribes.
			w.graph.Unsubscribe(pageID)
			var checked struct {
				Health struct {
					Subscribed, Resubscribed bool
				} `json:"health"`
			}
			if code := ada.do(http.MethodPost, "/api/admin/accounts/"+acctID+"/check", nil, &checked); code != http.StatusOK || !checked.Health.Resubscribed {
				t.Fatalf("check: HTTP %d %+v", code, checked)
			}
			if f := w.graph.SubscribedFields(pageID); !slices.Contains(f, "messages") {
				t.Fatalf("subscribed fields after the check = %v", f)
			}
			sam := w.login("sam", "sam-pass")
			if code := sam.do(http.MethodGet, "/api/channels/health", nil, nil); code != http.StatusOK {
				t.Fatalf("supervisor channel health: HTTP %d", code)
			}
			if code := alice.do(http.MethodGet, "/api/admin/accounts", nil, nil); code != http.StatusForbidden {
				t.Fatalf("agent on the admin API: HTTP %d, want 403", code)
			}

			// Another customer, who last wrote 30 hours ago.
			const psid2 = "7000000000000002"
			w.graph.SetProfile(psid2, "Old", "Timer", "")
			c := fakegraph.Customer{PageID: pageID, PSID: psid2}
			w.send(c.Text("m_old", "Old message", time.Now().Add(-30*time.Hour)))
			var me struct {
				ID string `json:"id"`
			}
			alice.do(http.MethodGet, "/api/me", nil, &me)
			var chats []chatJSON
			eventually(t, "the second chat to be routed", func() bool {
				chats = alice.chats()
				return len(chats) == 2 && slices.ContainsFunc(chats, func(c chatJSON) bool { return c.Customer.Name == "Old Timer" && c.State == "assigned" })
			})
			for _, c := range chats {
				if c.Customer.Name == "Old Timer" {
					chatID = c.ID
				}
			}
			var info struct{ Reach struct{ State string } }
			eventually(t, "the reach of a customer silent for 30 h", func() bool {
				return alice.do(http.MethodGet, "/api/chats/"+chatID+"/channel", nil, &info) == http.StatusOK
			})
			if info.Reach.State != "closed" {
				t.Fatalf("reach of a customer silent for 30 h = %q, want closed", info.Reach.State)
			}
			if n := len(w.graph.SentTo(psid2)); n != 0 {
				t.Fatalf("the bot wrote outside the window: %d sends", n)
			}
			// (Re-assigned when needed: these tests do not exercise routing.)
			reply := func(text string) (int, string) {
				var code int
				var msg string
				eventually(t, "a reply the chat's agent may send", func() bool {
					code, msg = alice.raw(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": text})
					return code != http.StatusForbidden
				})
				return code, msg
			}
			if code, msg := reply("Too late"); code != http.StatusConflict || !strings.Contains(msg, "24 hours") {
				t.Fatalf("reply outside the window without permission: HTTP %d %s, want 409 explaining the window", code, msg)
			}
			ada.do(http.MethodPut, "/api/admin/accounts/"+acctID, map[string]any{"name": "acme-page", "page_id": pageID, "human_agent": true}, nil)
			if code, msg := reply("Human agent reply"); code >= 300 {
				t.Fatalf("reply with HUMAN_AGENT permission: HTTP %d %s", code, msg)
			}
			eventually(t, "the tagged reply", func() bool { return countText(w.graph.SentTo(psid2), "Human agent reply") == 1 })
			for _, call := range w.graph.SentTo(psid2) {
				if call.Text == "Human agent reply" && (call.MessagingType != "MESSAGE_TAG" || call.Tag != "HUMAN_AGENT") {
					t.Fatalf("outside the window: messaging_type %q tag %q", call.MessagingType, call.Tag)
				}
			}
		})
	}
}

// raw is do returning the status and the body as text.
func (a *agent) raw(method, path string, in any) (int, string) {
	a.t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest(method, a.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestMessengerSendErrors: a rate-limited send is retried after a backoff
// and then sent exactly once; a send to a customer who blocked the page
// fails for good, with the reason on the message, and is not retried.
// typing_off and mark_seen reach the customer when the agent stops typing
// and reads the chat.
func TestMessengerSendErrors(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			w.graph.SetRateLimitRegain(0)
			w.customerSays("m_1", "Hi")
			alice, chatID := connect(t, w)
			path := "/api/chats/" + chatID
			status := func(text string) (string, string) {
				for _, m := range alice.rich(chatID) {
					if m.Text == text {
						return m.Status, m.Error
					}
				}
				return "", ""
			}

			// Rate limited (613): kept, retried after a backoff, sent once.
			w.graph.FailNext(1, fakegraph.FailRateLimit)
			start := time.Now()
			if code := alice.do(http.MethodPost, path+"/messages", map[string]string{"text": "Patience"}, nil); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("send: HTTP %d", code)
			}
			eventually(t, "the rate-limited reply to be sent", func() bool {
				return countText(w.graph.SentTo(psid), "Patience") > 0
			})
			if took := time.Since(start); took < 900*time.Millisecond {
				t.Fatalf("rate-limited reply went out after %v, want a backoff of about a second", took)
			}
			eventually(t, "the reply marked sent", func() bool {
				st, _ := status("Patience")
				return st == "sent" || st == "delivered"
			})

			// The customer blocked the page (551): failed, explained, never retried.
			w.graph.FailNext(1, fakegraph.FailUserBlocked)
			if code := alice.do(http.MethodPost, path+"/messages", map[string]string{"text": "Anyone there?"}, nil); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("send: HTTP %d", code)
			}
			eventually(t, "the blocked send to fail", func() bool {
				st, _ := status("Anyone there?")
				return st == "failed"
			})
			if _, errText := status("Anyone there?"); !strings.Contains(errText, "can't receive messages") {
				t.Fatalf("failed message error %q, want the reason shown to the agent", errText)
			}

			// Sender actions.
			for _, action := range []string{"typing_off", "mark_seen"} {
				if code := alice.do(http.MethodPost, path+"/action", map[string]string{"action": action}, nil); code != http.StatusAccepted {
					t.Fatalf("%s: HTTP %d", action, code)
				}
				eventually(t, action, func() bool {
					return slices.ContainsFunc(w.graph.SentTo(psid), func(c fakegraph.SentCall) bool { return c.SenderAction == action })
				})
			}

			// Give a wrong retry of either message time to happen.
			time.Sleep(2500 * time.Millisecond)
			calls := w.graph.SentTo(psid)
			if n := countText(calls, "Patience"); n != 1 {
				t.Fatalf("rate-limited reply sent %d times, want once", n)
			}
			if n := countText(calls, "Anyone there?"); n != 0 {
				t.Fatalf("blocked reply sent %d times, want never", n)
			}
			if st, _ := status("Anyone there?"); st != "failed" {
				t.Fatalf("blocked reply is %s after a while, want failed", st)
			}
		})
	}
}
