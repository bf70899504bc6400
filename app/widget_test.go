package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/webchat"
	"github.com/parleycc/parley/conversation"
)

const shop = "https://shop.example.com"

// visitor is a browser on shop.example.com talking to the widget endpoints.
type visitor struct {
	t       *testing.T
	base    string // /widget/{account}
	webhook string
	token   string
}

// call sends a widget request from the shop's page and decodes a 2xx answer.
func (v *visitor) call(method, url, contentType string, body []byte, out any) int {
	v.t.Helper()
	req, _ := http.NewRequest(method, url, bytes.NewReader(body))
	req.Header.Set("Origin", shop)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if v.token != "" {
		req.Header.Set(webchat.VisitorHeader, v.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 300 && resp.Header.Get("Access-Control-Allow-Origin") != shop {
		v.t.Fatalf("%s %s: Access-Control-Allow-Origin %q, want %s", method, url, resp.Header.Get("Access-Control-Allow-Origin"), shop)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			v.t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func (v *visitor) session() conversation.WidgetSession {
	v.t.Helper()
	var s conversation.WidgetSession
	if code := v.call(http.MethodPost, v.base+"/session", "", nil, &s); code != http.StatusOK {
		v.t.Fatalf("session: HTTP %d", code)
	}
	v.token = s.VisitorToken
	return s
}

func (v *visitor) say(m webchat.Message) int {
	v.t.Helper()
	b, _ := json.Marshal(m)
	return v.call(http.MethodPost, v.webhook, "application/json", b, nil)
}

func (v *visitor) transcript() conversation.VisitorTranscript {
	v.t.Helper()
	var tr conversation.VisitorTranscript
	if code := v.call(http.MethodGet, v.base+"/messages", "", nil, &tr); code != http.StatusOK {
		v.t.Fatalf("messages: HTTP %d", code)
	}
	return tr
}

// visitorTexts are the transcript's bubbles as "sender: text" (cards by title).
func visitorTexts(tr conversation.VisitorTranscript) []string {
	var out []string
	for _, m := range tr.Messages {
		s := m.Sender + ": " + m.Reply.Text
		for _, c := range m.Reply.Cards {
			s += "[" + c.Title + "]"
		}
		for _, a := range m.Reply.Attachments {
			s += "<" + a.Name + ">"
		}
		out = append(out, s)
	}
	return out
}

// streamTexts reads the visitor's live stream and sends each message's text.
func (v *visitor) stream(ctx context.Context, last int64) <-chan string {
	v.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, v.base+"/stream", nil)
	req.Header.Set(webchat.VisitorHeader, v.token)
	req.Header.Set("Last-Event-ID", strconvI(last))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		v.t.Fatalf("stream: %v %v", err, resp)
	}
	out := make(chan string, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var m conversation.VisitorMessage
				if json.Unmarshal([]byte(data), &m) == nil {
					out <- m.ID + " " + m.Sender + ": " + m.Reply.Text
				}
			}
		}
	}()
	return out
}

// eventuallyOr is eventually, saying what it last saw when it times out.
func eventuallyOr(t *testing.T, what string, cond func() bool, saw func() string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; saw %s", what, saw())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func strconvI(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestWidgetEndToEnd runs a web chat visitor through the demo-like
// scenario on both databases: session, pre-chat form, message, bot
// greeting in the visitor's transcript, routing, agent reply on the live
// stream, a file, a page reload that resumes the chat, and origins.
func TestWidgetEndToEnd(t *testing.T) {
	if webchat.VisitorHeader != "X-Parley-Visitor" {
		t.Fatalf("web/widget.go reads X-Parley-Visitor; the channel reads %s", webchat.VisitorHeader)
	}
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn(t), ConfigFile: "testdata/webchat.yaml",
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PollInterval: 50 * time.Millisecond})
			if err := a.Start(context.Background()); err != nil {
				t.Fatalf("start: %v", err)
			}
			t.Cleanup(func() { _ = a.Close() })
			accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
			if err != nil || len(accts) != 1 {
				t.Fatalf("accounts = %v, %v", accts, err)
			}
			v := &visitor{t: t, base: a.URL() + "/widget/" + accts[0].ID, webhook: a.URL() + "/webhooks/webchat/" + accts[0].ID}
			widgetOrigins(t, v)

			s := v.session()
			if s.Title != "Acme Support" || s.Greeting != "We answer within minutes." || !slices.Equal(s.PrechatFields, []string{"name", "email"}) || s.Started {
				t.Fatalf("session = %+v", s)
			}
			token := v.token
			v.token = "forged"
			if code := v.say(webchat.Message{ID: "m0", Text: "hi"}); code != http.StatusForbidden {
				t.Fatalf("a forged token posted: HTTP %d", code)
			}
			if code := v.call(http.MethodGet, v.base+"/messages", "", nil, nil); code != http.StatusForbidden {
				t.Fatalf("a forged token read the transcript: HTTP %d", code)
			}
			v.token = token
			if code := v.say(webchat.Message{ID: "m1", Fields: map[string]string{"name": "Ann Lee", "email": "ann@example.com"}}); code != http.StatusOK {
				t.Fatalf("pre-chat form: HTTP %d", code)
			}
			if code := v.say(webchat.Message{ID: "m2", Text: "Where is my order?"}); code != http.StatusOK {
				t.Fatalf("message: HTTP %d", code)
			}
			want := []string{"bot: Hi Ann!", "bot: [Screen repair]", "customer: Where is my order?"}
			var tr conversation.VisitorTranscript
			var last []string
			eventuallyOr(t, "the greeting and cards in the visitor's transcript", func() bool {
				tr = v.transcript()
				last = visitorTexts(tr)
				return slices.Equal(last, want)
			}, func() string { return strings.Join(last, " | ") })
			if b := tr.Messages[1].Reply.Cards[0].Buttons; len(b) != 1 || b[0].Payload != "BOOK_SCREEN" {
				t.Fatalf("card buttons = %+v", b)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			live := v.stream(ctx, tr.LastEventID)

			w := &world{t: t, app: a}
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			var chatID string
			eventually(t, "the chat assigned to alice", func() bool {
				for _, c := range alice.chats() {
					if c.State == parley.ChatAssigned && c.Customer.Name == "Ann Lee" {
						chatID = c.ID
					}
				}
				return chatID != ""
			})
			for _, m := range alice.messages(chatID) {
				if m.Sender == parley.SenderCustomer && strings.HasPrefix(m.Text, "Started the chat") && !strings.Contains(m.Text, "email: ann@example.com") {
					t.Fatalf("the agent does not see the pre-chat answers: %q", m.Text)
				}
			}
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "How can I help?"}, nil); code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			seen := map[string]int{}
			deadline := time.After(15 * time.Second)
			for seen["agent: How can I help?"] == 0 {
				select {
				case line := <-live:
					id, text, _ := strings.Cut(line, " ")
					seen[text]++
					seen[id]++
					if seen[id] > 1 {
						t.Fatalf("message %s (%s) streamed twice", id, text)
					}
				case <-deadline:
					t.Fatalf("the agent's reply never reached the stream; saw %v", seen)
				}
			}
			for text := range seen {
				if strings.HasPrefix(text, "system:") {
					t.Fatalf("the stream showed a system message: %q", text)
				}
			}

			widgetFiles(t, v, alice)

			// A reload: the session call with the stored token resumes the chat.
			again := v.session()
			if again.VisitorID != s.VisitorID || !again.Started || again.VisitorToken == "" {
				t.Fatalf("after a reload, session = %+v; want visitor %s, started", again, s.VisitorID)
			}
			tr2 := v.transcript()
			got := visitorTexts(tr2)
			if tr2.ChatID != tr.ChatID || !slices.Contains(got, "agent: How can I help?") || !slices.Contains(got, want[2]) {
				t.Fatalf("after a reload, the transcript is %v in chat %s; want chat %s", got, tr2.ChatID, tr.ChatID)
			}
			for _, m := range tr2.Messages {
				if m.Sender == parley.SenderSystem || m.Kind == parley.KindEvent || m.Kind == parley.KindReferral {
					t.Fatalf("the visitor sees %+v", m)
				}
			}
		})
	}
}

// widgetOrigins checks that only the allowed origin gets past preflight
// and the cross-origin protection.
func widgetOrigins(t *testing.T, v *visitor) {
	t.Helper()
	for _, tc := range []struct {
		method, origin string
		want           int
	}{
		{http.MethodOptions, shop, http.StatusNoContent},
		{http.MethodOptions, "https://evil.example.com", http.StatusForbidden},
		{http.MethodPost, "https://evil.example.com", http.StatusForbidden},
		{http.MethodPost, "https://shop.example.com.evil.com", http.StatusForbidden},
	} {
		req, _ := http.NewRequest(tc.method, v.base+"/session", nil)
		req.Header.Set("Origin", tc.origin)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		acao := resp.Header.Get("Access-Control-Allow-Origin")
		if resp.StatusCode != tc.want || (tc.want < 300) != (acao == tc.origin) {
			t.Fatalf("%s from %s: HTTP %d, Access-Control-Allow-Origin %q; want %d", tc.method, tc.origin, resp.StatusCode, acao, tc.want)
		}
	}
}

// widgetFiles sends a file as the visitor: it shows in the transcript,
// the visitor and the agent can open it, and a file too large is 413.
func widgetFiles(t *testing.T, v *visitor, alice *agent) {
	t.Helper()
	upload := func(name string, data []byte) int {
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("id", "f-"+name)
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write(data)
		_ = mw.Close()
		return v.call(http.MethodPost, v.base+"/files", mw.FormDataContentType(), body.Bytes(), nil)
	}
	if code := upload("receipt.txt", []byte("order 1234")); code != http.StatusCreated {
		t.Fatalf("upload: HTTP %d", code)
	}
	if code := upload("huge.bin", make([]byte, conversation.MaxFileBytes+1)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a file too large: HTTP %d, want 413", code)
	}
	var url string
	eventually(t, "the file in the transcript", func() bool {
		for _, m := range v.transcript().Messages {
			if len(m.Reply.Attachments) == 1 && m.Reply.Attachments[0].Name == "receipt.txt" {
				url = m.Reply.Attachments[0].URL
			}
		}
		return url != ""
	})
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(v.base, "/widget/"+accountOf(v))+url, nil)
	req.Header.Set(webchat.VisitorHeader, v.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(got) != "order 1234" {
		t.Fatalf("the visitor's file: HTTP %d %q", resp.StatusCode, got)
	}
	fileID := url[strings.LastIndex(url, "/")+1:]
	if code := alice.do(http.MethodGet, "/files/"+fileID, nil, nil); code != http.StatusOK {
		t.Fatalf("the agent opens the visitor's file: HTTP %d", code)
	}
}

func accountOf(v *visitor) string { return v.base[strings.LastIndex(v.base, "/")+1:] }
