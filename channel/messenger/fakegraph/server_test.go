package fakegraph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

const (
	pageID = "106274378840137"
	token  = "PAGE_TOKEN_1"
	psid   = "7261893405519823"
)

func newServer(t *testing.T) (*fakegraph.Server, *httptest.Server) {
	t.Helper()
	f := fakegraph.New()
	f.AddPage(pageID, "Acme Support", token)
	f.AddPage("331912840017245", "Other Page", "PAGE_TOKEN_2")
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

type apiErr struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
		Subcode int    `json:"error_subcode"`
		TraceID string `json:"fbtrace_id"`
	} `json:"error"`
}

func do(t *testing.T, method, url, body string, hdr map[string]string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func TestProtocol(t *testing.T) {
	const text = `{"recipient":{"id":"` + psid + `"},"messaging_type":"RESPONSE","message":{"text":"hi"}}`
	tests := []struct {
		name, method, path, body string
		hdr                      map[string]string
		status, code, subcode    int
		msg                      string
	}{
		{name: "ok text", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: text, status: 200},
		{name: "ok bearer", method: "POST", path: "/v25.0/me/messages", body: text, hdr: map[string]string{"Authorization": "Bearer " + token}, status: 200},
		{name: "ok page path", method: "POST", path: "/v25.0/" + pageID + "/messages?access_token=" + token, body: text, status: 200},
		{name: "ok typing", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"sender_action":"typing_on"}`, status: 200},
		{name: "other page path", method: "POST", path: "/v25.0/331912840017245/messages?access_token=" + token, body: text, status: 400, code: 100, subcode: 33},
		{name: "no token", method: "POST", path: "/v25.0/me/messages", body: text, status: 400, code: 190, msg: "Invalid OAuth access token - Cannot parse access token"},
		{name: "bad token", method: "POST", path: "/v25.0/me/messages?access_token=nope", body: text, status: 400, code: 190},
		{name: "not json", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":`, status: 400, code: 100},
		{name: "no recipient", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"messaging_type":"RESPONSE","message":{"text":"hi"}}`, status: 400, code: 100, msg: "recipient is required"},
		{name: "numeric recipient", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":1},"messaging_type":"RESPONSE","message":{"text":"hi"}}`, status: 400, code: 100},
		{name: "message and action", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"text":"hi"},"sender_action":"typing_on"}`, status: 400, code: 100},
		{name: "neither", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE"}`, status: 400, code: 100},
		{name: "bad action", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"sender_action":"dance"}`, status: 400, code: 100},
		{name: "no messaging type", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"message":{"text":"hi"}}`, status: 400, code: 100, msg: "messaging_type"},
		{name: "tag with RESPONSE", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE","tag":"HUMAN_AGENT","message":{"text":"hi"}}`, status: 400, code: 100},
		{name: "MESSAGE_TAG without tag", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"MESSAGE_TAG","message":{"text":"hi"}}`, status: 400, code: 100},
		{name: "retired tag", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"MESSAGE_TAG","tag":"POST_PURCHASE_UPDATE","message":{"text":"hi"}}`, status: 400, code: 100, msg: "POST_PURCHASE_UPDATE"},
		{name: "human agent", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"hi"}}`, status: 200},
		{name: "text too long", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"text":"` + strings.Repeat("a", 2000) + `"}}`, status: 400, code: 100},
		{name: "text and attachment", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"text":"hi","attachment":{"type":"image","payload":{"url":"https://x/y.png"}}}}`, status: 400, code: 100},
		{name: "list template", method: "POST", path: "/v25.0/me/messages?access_token=" + token, body: `{"recipient":{"id":"1"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{"template_type":"list","elements":[]}}}}`, status: 400, code: 100},
		{name: "get me", method: "GET", path: "/v25.0/me?fields=id,name&access_token=" + token, status: 200},
		{name: "unknown profile", method: "GET", path: "/v25.0/42?fields=first_name&access_token=" + token, status: 400, code: 100, subcode: 2018218},
		{name: "bad field", method: "GET", path: "/v25.0/me?fields=gender&access_token=" + token, status: 400, code: 100},
		{name: "get messages", method: "GET", path: "/v25.0/me/messages?access_token=" + token, status: 400, code: 100, subcode: 33},
		{name: "deep path", method: "GET", path: "/v25.0/a/b/c?access_token=" + token, status: 400, code: 2500},
		{name: "subscribe without fields", method: "POST", path: "/v25.0/" + pageID + "/subscribed_apps?access_token=" + token, status: 400, code: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newServer(t)
			status, body := do(t, tt.method, srv.URL+tt.path, tt.body, tt.hdr)
			if status != tt.status {
				t.Fatalf("status = %d, want %d (%s)", status, tt.status, body)
			}
			if tt.status == 200 {
				if strings.Contains(string(body), `"error"`) {
					t.Errorf("success body has error: %s", body)
				}
				return
			}
			var e apiErr
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("error body %q: %v", body, err)
			}
			if e.Error.Code != tt.code || e.Error.Subcode != tt.subcode || e.Error.TraceID == "" || e.Error.Type == "" {
				t.Errorf("error = %+v, want %d/%d", e.Error, tt.code, tt.subcode)
			}
			if !strings.Contains(e.Error.Message, tt.msg) {
				t.Errorf("message %q lacks %q", e.Error.Message, tt.msg)
			}
		})
	}
}

func TestSentRecording(t *testing.T) {
	f, srv := newServer(t)
	c := &messenger.Client{BaseURL: srv.URL}
	ctx := context.Background()
	res, err := c.Send(ctx, token, messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{
		Text: "Pick one", QuickReplies: []messenger.QuickReply{{Title: "A", Payload: "PA"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(ctx, token, messenger.SendRequest{PSID: "555", SenderAction: messenger.ActionTypingOn}); err != nil {
		t.Fatal(err)
	}
	all := f.Sent()
	if len(all) != 2 {
		t.Fatalf("Sent() has %d calls", len(all))
	}
	got := f.SentTo(psid)
	if len(got) != 1 {
		t.Fatalf("SentTo has %d calls", len(got))
	}
	c0 := got[0]
	if c0.PageID != pageID || c0.MessageID != res.MessageID || !strings.HasPrefix(c0.MessageID, "m_") ||
		c0.Text != "Pick one" || c0.MessagingType != "RESPONSE" || c0.Time.IsZero() ||
		len(c0.QuickReplies) != 1 || c0.QuickReplies[0] != (fakegraph.QuickReply{ContentType: "text", Title: "A", Payload: "PA"}) {
		t.Errorf("call = %+v", c0)
	}
	c0.Body["message"] = "mutated"
	if f.SentTo(psid)[0].Body["message"] == "mutated" {
		t.Error("Body is shared between readers")
	}
	if a := f.SentTo("555")[0]; a.SenderAction != "typing_on" || a.MessageID != "" {
		t.Errorf("action call = %+v", a)
	}
}

func TestSubscribe(t *testing.T) {
	f, srv := newServer(t)
	c := &messenger.Client{BaseURL: srv.URL}
	ctx := context.Background()
	send := func(to, text string) {
		t.Helper()
		if _, err := c.Send(ctx, token, messenger.SendRequest{PSID: to, Message: &messenger.OutMessage{Text: text}}); err != nil {
			t.Fatal(err)
		}
	}
	mine, cancelMine := f.Subscribe(psid)
	all, cancelAll := f.Subscribe("")
	send(psid, "one")
	send("999", "two")
	select {
	case got := <-mine:
		if got.Text != "one" {
			t.Errorf("got %q", got.Text)
		}
	case <-time.After(time.Second):
		t.Fatal("no call streamed")
	}
	for _, want := range []string{"one", "two"} {
		if got := <-all; got.Text != want {
			t.Errorf("all stream got %q, want %q", got.Text, want)
		}
	}
	select {
	case got := <-mine:
		t.Errorf("unexpected call for other psid: %+v", got)
	default:
	}
	// A subscriber that never reads must not block the server.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 100 {
			send(psid, fmt.Sprint(i))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("server blocked on a slow subscriber")
	}
	cancelMine()
	cancelMine()
	n := 0
	for range mine {
		n++
	}
	if n == 0 || n > 100 {
		t.Errorf("slow subscriber drained %d calls", n)
	}
	cancelAll()
}

func TestConcurrentSends(t *testing.T) {
	f, srv := newServer(t)
	c := &messenger.Client{BaseURL: srv.URL}
	ch, cancel := f.Subscribe("")
	defer cancel()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 5 {
				to := fmt.Sprintf("%d", 1000+i)
				if _, err := c.Send(context.Background(), token, messenger.SendRequest{PSID: to, Message: &messenger.OutMessage{Text: fmt.Sprint(j)}}); err != nil {
					t.Error(err)
				}
				_ = f.SentTo(to)
			}
		}()
	}
	go func() {
		for range ch {
		}
	}()
	wg.Wait()
	if n := len(f.Sent()); n != 100 {
		t.Errorf("recorded %d calls, want 100", n)
	}
}

func TestFailNextQueue(t *testing.T) {
	f, srv := newServer(t)
	c := &messenger.Client{BaseURL: srv.URL}
	f.FailNext(1, fakegraph.FailServer)
	f.FailNext(2, fakegraph.FailRateLimit)
	var classes []messenger.ErrorClass
	for range 4 {
		_, err := c.Me(context.Background(), token)
		var ge *messenger.GraphError
		switch {
		case err == nil:
			classes = append(classes, "ok")
		case errors.As(err, &ge):
			classes = append(classes, ge.Class())
		default:
			t.Fatal(err)
		}
	}
	want := []messenger.ErrorClass{messenger.ClassRetryable, messenger.ClassRetryable, messenger.ClassRetryable, "ok"}
	if fmt.Sprint(classes) != fmt.Sprint(want) {
		t.Errorf("classes = %v, want %v", classes, want)
	}
}

func TestWebhookBuilders(t *testing.T) {
	ts := time.UnixMilli(1752836400000)
	cu := fakegraph.Customer{PageID: pageID, PSID: psid}
	body := fakegraph.Body(pageID,
		cu.Text("m_1", "Grüße 👋", ts),
		cu.QuickReply("", "Yes", "YES", ts.Add(time.Second)),
		cu.Attachment("m_3", "image", "https://cdn.example/a.jpg", ts.Add(2*time.Second)),
		cu.Postback("m_4", "Get Started", "GET_STARTED", ts.Add(3*time.Second)),
		cu.Read(ts, ts.Add(4*time.Second)),
		cu.Delivery([]string{"m_x"}, ts, ts.Add(5*time.Second)),
		cu.Echo(1517776481860111, "m_7", "hello", ts.Add(6*time.Second)),
	)
	if bytes.ContainsFunc(body, func(r rune) bool { return r > 127 }) {
		t.Errorf("body is not ASCII-escaped: %s", body)
	}
	if !bytes.Contains(body, []byte(`Gr\u00fc\u00dfe \ud83d\udc4b`)) {
		t.Errorf("unexpected escaping: %s", body)
	}
	b, err := messenger.ParseWebhook(body)
	if err != nil {
		t.Fatal(err)
	}
	ev := b.Events()
	kinds := []messenger.Kind{messenger.KindMessage, messenger.KindMessage, messenger.KindMessage, messenger.KindPostback,
		messenger.KindRead, messenger.KindDelivery, messenger.KindEcho}
	if len(ev) != len(kinds) {
		t.Fatalf("got %d events", len(ev))
	}
	for i, k := range kinds {
		if ev[i].Kind != k || ev[i].PSID != psid || ev[i].PageID != pageID {
			t.Errorf("event %d = %+v, want kind %s", i, ev[i], k)
		}
	}
	if ev[0].Text != "Grüße 👋" || ev[1].QuickReplyPayload != "YES" || !strings.HasPrefix(ev[1].MID, "m_") ||
		ev[2].Attachments[0].URL != "https://cdn.example/a.jpg" || ev[3].Postback.Payload != "GET_STARTED" ||
		ev[6].AppID != 1517776481860111 || !b.Entries[0].Time.Equal(ts.Add(6*time.Second)) {
		t.Errorf("events = %+v", ev)
	}

	one, err := messenger.ParseWebhook(fakegraph.TextEvent(pageID, psid, "m_9", "hi", ts))
	if err != nil || one.Events()[0].MID != "m_9" || one.Events()[0].Text != "hi" {
		t.Errorf("TextEvent parse = %+v, %v", one, err)
	}
	pb, err := messenger.ParseWebhook(fakegraph.PostbackEvent(pageID, psid, "", "Talk to an agent", "AGENT", ts))
	if err != nil || pb.Events()[0].Postback.Payload != "AGENT" {
		t.Errorf("PostbackEvent parse = %+v, %v", pb, err)
	}
}

func TestPostSigned(t *testing.T) {
	const secret = "appsecret123"
	var got []byte
	var ok bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.ReadAll(r.Body)
		ok = messenger.VerifySignature(got, r.Header.Get(messenger.SignatureHeader), secret) &&
			strings.HasPrefix(r.Header.Get("X-Hub-Signature"), "sha1=")
		_, _ = io.WriteString(w, "EVENT_RECEIVED")
	}))
	defer srv.Close()
	body := fakegraph.TextEvent(pageID, psid, "m_1", "hi", time.Now())
	resp, err := fakegraph.PostSigned(context.Background(), nil, srv.URL, body, secret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !ok || !bytes.Equal(got, body) {
		t.Errorf("status %d, verified %v", resp.StatusCode, ok)
	}
}
