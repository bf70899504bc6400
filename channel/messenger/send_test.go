package messenger_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

const (
	token = "EAAGm0PX4ZCpsBAPageToken"
	psid  = "7261893405519823"
)

// harness runs a fakegraph behind httptest and counts requests.
type harness struct {
	fake     *fakegraph.Server
	client   *messenger.Client
	requests atomic.Int64
	lastURL  atomic.Value // string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{fake: fakegraph.New()}
	h.fake.AddPage(page1, "Acme Support", token)
	h.fake.SetProfile(psid, "Peter", "Chang", "https://platform-lookaside.fbsbx.com/p.jpg")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.requests.Add(1)
		h.lastURL.Store(r.URL.String())
		h.fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.client = &messenger.Client{BaseURL: srv.URL + "/", HTTPClient: srv.Client()}
	return h
}

func jsonMap(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSendShapes(t *testing.T) {
	tests := []struct {
		name   string
		req    messenger.SendRequest
		body   string
		action bool
	}{
		{
			name: "text",
			req:  messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "Hello, how can we help?"}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"RESPONSE","message":{"text":"Hello, how can we help?"}}`,
		},
		{
			name: "text with quick replies and metadata",
			req: messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingUpdate, Message: &messenger.OutMessage{
				Text: "Was this helpful?", Metadata: "parley:1",
				QuickReplies: []messenger.QuickReply{{Title: "Yes", Payload: "CSAT_YES"}, {Title: "No", Payload: "CSAT_NO"}},
			}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"UPDATE","message":{"text":"Was this helpful?","metadata":"parley:1",
				"quick_replies":[{"content_type":"text","title":"Yes","payload":"CSAT_YES"},{"content_type":"text","title":"No","payload":"CSAT_NO"}]}}`,
		},
		{
			name: "human agent tag",
			req:  messenger.SendRequest{PSID: psid, Tag: messenger.TagHumanAgent, Message: &messenger.OutMessage{Text: "Sorry for the delay"}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"MESSAGE_TAG","tag":"HUMAN_AGENT","message":{"text":"Sorry for the delay"}}`,
		},
		{
			name: "image attachment",
			req: messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{
				Attachment: &messenger.OutAttachment{Type: "image", URL: "https://example.com/photo.jpg", IsReusable: true},
			}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"image","payload":{"url":"https://example.com/photo.jpg","is_reusable":true}}}}`,
		},
		{
			name: "button template",
			req: messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{
				Text: "Let's open a ticket",
				Buttons: []messenger.Button{
					{Type: "web_url", Title: "Open Ticket", URL: "https://tickets.example.com/new"},
					{Type: "postback", Title: "Talk to an agent", Payload: "AGENT"},
				},
			}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{
				"template_type":"button","text":"Let's open a ticket","buttons":[
				{"type":"web_url","title":"Open Ticket","url":"https://tickets.example.com/new","webview_height_ratio":"tall"},
				{"type":"postback","title":"Talk to an agent","payload":"AGENT"}]}}}}`,
		},
		{
			name: "generic template",
			req: messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{
				Elements: []messenger.Element{{
					Title: "Find store to repair", Subtitle: "Nearest service centres", ImageURL: "https://example.com/repair.png",
					Buttons: []messenger.Button{{Type: "postback", Title: "None of these", Payload: "NOPE"}},
				}},
			}},
			body: `{"recipient":{"id":"7261893405519823"},"messaging_type":"RESPONSE","message":{"attachment":{"type":"template","payload":{
				"template_type":"generic","elements":[{"title":"Find store to repair","subtitle":"Nearest service centres",
				"image_url":"https://example.com/repair.png","buttons":[{"type":"postback","title":"None of these","payload":"NOPE"}]}]}}}}`,
		},
		{
			name:   "typing on",
			req:    messenger.SendRequest{PSID: psid, SenderAction: messenger.ActionTypingOn},
			body:   `{"recipient":{"id":"7261893405519823"},"sender_action":"typing_on"}`,
			action: true,
		},
		{
			name:   "mark seen ignores messaging type",
			req:    messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingResponse, SenderAction: messenger.ActionMarkSeen},
			body:   `{"recipient":{"id":"7261893405519823"},"sender_action":"mark_seen"}`,
			action: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			res, err := h.client.Send(context.Background(), token, tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if res.RecipientID != psid {
				t.Errorf("RecipientID = %q", res.RecipientID)
			}
			if tt.action != (res.MessageID == "") {
				t.Errorf("MessageID = %q (sender action: %v)", res.MessageID, tt.action)
			}
			u, _ := h.lastURL.Load().(string)
			if !strings.HasPrefix(u, "/"+messenger.GraphVersion+"/me/messages?") || !strings.Contains(u, "access_token="+token) {
				t.Errorf("request URL = %s", u)
			}
			sent := h.fake.SentTo(psid)
			if len(sent) != 1 {
				t.Fatalf("fake recorded %d calls", len(sent))
			}
			if !reflect.DeepEqual(sent[0].Body, jsonMap(t, tt.body)) {
				got, _ := json.Marshal(sent[0].Body)
				t.Errorf("body = %s\nwant  %s", got, tt.body)
			}
			if sent[0].PageID != page1 || sent[0].MessageID != res.MessageID {
				t.Errorf("recorded call = %+v", sent[0])
			}
		})
	}
}

func TestSendValidation(t *testing.T) {
	text := func(s string) *messenger.OutMessage { return &messenger.OutMessage{Text: s} }
	qrs := func(n int) []messenger.QuickReply {
		out := make([]messenger.QuickReply, n)
		for i := range out {
			out[i] = messenger.QuickReply{Title: "opt", Payload: "P"}
		}
		return out
	}
	btn := messenger.Button{Type: "postback", Title: "Go", Payload: "GO"}
	tests := []struct {
		name, want string
		req        messenger.SendRequest
	}{
		{"no psid", "empty psid", messenger.SendRequest{Message: text("hi")}},
		{"bad psid", "invalid psid", messenger.SendRequest{PSID: "../me", Message: text("hi")}},
		{"nothing", "nothing to send", messenger.SendRequest{PSID: psid}},
		{"both", "mutually exclusive", messenger.SendRequest{PSID: psid, Message: text("hi"), SenderAction: "typing_on"}},
		{"bad action", "unsupported sender action", messenger.SendRequest{PSID: psid, SenderAction: "dance"}},
		{"empty message", "empty message", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{}}},
		{"text too long", "fewer than 2000", messenger.SendRequest{PSID: psid, Message: text(strings.Repeat("é", 2000))}},
		{"14 quick replies", "limit is 13", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "x", QuickReplies: qrs(14)}}},
		{"long quick reply title", "limit is 20", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{
			Text: "x", QuickReplies: []messenger.QuickReply{{Title: strings.Repeat("a", 21), Payload: "p"}}}}},
		{"4 buttons", "limit is 3", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "x", Buttons: []messenger.Button{btn, btn, btn, btn}}}},
		{"buttons without text", "buttons need text", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Buttons: []messenger.Button{btn}}}},
		{"bad button type", "unsupported type", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "x", Buttons: []messenger.Button{{Type: "phone_number", Title: "Call"}}}}},
		{"11 elements", "limit is 10", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Elements: make([]messenger.Element, 11)}}},
		{"mixed forms", "use one form", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "x", Attachment: &messenger.OutAttachment{Type: "image", URL: "https://x/y.png"}}}},
		{"bad attachment", "unsupported attachment type", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Attachment: &messenger.OutAttachment{Type: "location", URL: "https://x"}}}},
		{"ACCOUNT_UPDATE", "retired", messenger.SendRequest{PSID: psid, Tag: "ACCOUNT_UPDATE", Message: text("hi")}},
		{"CONFIRMED_EVENT_UPDATE", "retired", messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingTag, Tag: "CONFIRMED_EVENT_UPDATE", Message: text("hi")}},
		{"POST_PURCHASE_UPDATE", "retired", messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingTag, Tag: "POST_PURCHASE_UPDATE", Message: text("hi")}},
		{"tag without MESSAGE_TAG", "requires messaging type", messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingResponse, Tag: "HUMAN_AGENT", Message: text("hi")}},
		{"MESSAGE_TAG without tag", "requires a tag", messenger.SendRequest{PSID: psid, MessagingType: messenger.MessagingTag, Message: text("hi")}},
		{"bad messaging type", "unsupported messaging type", messenger.SendRequest{PSID: psid, MessagingType: "PROMO", Message: text("hi")}},
	}
	h := newHarness(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.client.Send(context.Background(), token, tt.req)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "messenger: send: ") {
				t.Errorf("err %q lacks context", err)
			}
			if messenger.Retryable(err) {
				t.Error("validation error reported retryable")
			}
		})
	}
	if n := h.requests.Load(); n != 0 {
		t.Errorf("%d invalid requests reached the server", n)
	}
	// The longest valid text is accepted.
	if _, err := h.client.Send(context.Background(), token, messenger.SendRequest{PSID: psid, Message: text(strings.Repeat("é", 1999))}); err != nil {
		t.Errorf("1999-char text: %v", err)
	}
}

func TestSendFailures(t *testing.T) {
	tests := []struct {
		kind       fakegraph.FailKind
		class      messenger.ErrorClass
		retryable  bool
		status     int
		code       int
		subcode    int
		retryAfter time.Duration
	}{
		{fakegraph.FailRateLimit, messenger.ClassRetryable, true, 400, 613, 0, time.Minute},
		{fakegraph.FailExpiredToken, messenger.ClassToken, false, 400, 190, 463, 0},
		{fakegraph.FailUserBlocked, messenger.ClassUnreachable, false, 400, 551, 1545041, 0},
		{fakegraph.FailServer, messenger.ClassRetryable, true, 500, 2, 0, 0},
		{fakegraph.FailOutsideWindow, messenger.ClassOutsideWindow, false, 400, 10, 2018278, 0},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			h := newHarness(t)
			h.fake.FailNext(1, tt.kind)
			req := messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "hi"}}
			_, err := h.client.Send(context.Background(), token, req)
			var ge *messenger.GraphError
			if !errors.As(err, &ge) {
				t.Fatalf("err = %v, want *GraphError", err)
			}
			if ge.Class() != tt.class || messenger.Retryable(err) != tt.retryable {
				t.Errorf("class = %s retryable = %v, want %s %v", ge.Class(), messenger.Retryable(err), tt.class, tt.retryable)
			}
			if ge.HTTPStatus != tt.status || ge.Code != tt.code || ge.Subcode != tt.subcode || ge.TraceID == "" || ge.Message == "" {
				t.Errorf("error = %+v", ge)
			}
			if ge.RetryAfter != tt.retryAfter {
				t.Errorf("RetryAfter = %v, want %v", ge.RetryAfter, tt.retryAfter)
			}
			if len(h.fake.Sent()) != 0 {
				t.Error("failed call was recorded")
			}
			if _, err := h.client.Send(context.Background(), token, req); err != nil {
				t.Errorf("next send still fails: %v", err)
			}
		})
	}
}

func TestSendServerSideRejections(t *testing.T) {
	h := newHarness(t)
	_, err := h.client.Send(context.Background(), "bogus-token", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "hi"}})
	var ge *messenger.GraphError
	if !errors.As(err, &ge) || ge.Code != 190 || ge.Class() != messenger.ClassToken || ge.Type != "OAuthException" {
		t.Fatalf("bad token: err = %v", err)
	}
	if strings.Contains(err.Error(), "bogus-token") {
		t.Error("error leaks the token")
	}
	if _, err := h.client.Send(context.Background(), "", messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "hi"}}); err == nil {
		t.Error("empty token accepted")
	}
}

func TestProfileMeSubscriptions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	p, err := h.client.Profile(ctx, token, psid)
	if err != nil {
		t.Fatal(err)
	}
	if p != (messenger.Profile{FirstName: "Peter", LastName: "Chang", ProfilePic: "https://platform-lookaside.fbsbx.com/p.jpg"}) {
		t.Errorf("profile = %+v", p)
	}
	if u, _ := h.lastURL.Load().(string); !strings.HasPrefix(u, "/v25.0/"+psid+"?") || !strings.Contains(u, "fields=first_name%2Clast_name%2Cprofile_pic") {
		t.Errorf("profile URL = %s", u)
	}
	_, err = h.client.Profile(ctx, token, "999")
	var ge *messenger.GraphError
	if !errors.As(err, &ge) || ge.Code != 100 || ge.Subcode != 2018218 || ge.Class() != messenger.ClassPermanent {
		t.Errorf("unknown profile: err = %v", err)
	}

	page, err := h.client.Me(ctx, token)
	if err != nil || page != (messenger.Page{ID: page1, Name: "Acme Support"}) {
		t.Errorf("Me = %+v, %v", page, err)
	}
	if _, err := h.client.Me(ctx, "expired"); !errors.As(err, &ge) || ge.Class() != messenger.ClassToken {
		t.Errorf("Me with bad token: %v", err)
	}

	apps, err := h.client.SubscribedApps(ctx, token, page1)
	if err != nil || len(apps) != 0 {
		t.Fatalf("SubscribedApps before subscribing = %+v, %v", apps, err)
	}
	fields := []string{"messages", "messaging_postbacks", "message_echoes"}
	if err := h.client.Subscribe(ctx, token, page1, fields); err != nil {
		t.Fatal(err)
	}
	apps, err = h.client.SubscribedApps(ctx, token, page1)
	if err != nil || len(apps) != 1 || !reflect.DeepEqual(apps[0].SubscribedFields, fields) || apps[0].ID == "" {
		t.Fatalf("SubscribedApps = %+v, %v", apps, err)
	}
	if err := h.client.Subscribe(ctx, token, page1, []string{"not_a_field"}); !errors.As(err, &ge) || ge.Code != 100 {
		t.Errorf("bad field: %v", err)
	}
	if err := h.client.Subscribe(ctx, token, "331912840017245", fields); !errors.As(err, &ge) || ge.Code != 100 {
		t.Errorf("other page: %v", err)
	}
}

func TestRetryableTransport(t *testing.T) {
	msg := messenger.SendRequest{PSID: psid, Message: &messenger.OutMessage{Text: "hi"}}

	t.Run("connection refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		c := &messenger.Client{BaseURL: "http://" + addr}
		_, err = c.Send(context.Background(), token, msg)
		if err == nil || !messenger.Retryable(err) {
			t.Fatalf("err = %v, want retryable", err)
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("error leaks the token: %v", err)
		}
	})

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)

	t.Run("client timeout", func(t *testing.T) {
		c := &messenger.Client{BaseURL: slow.URL, HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}}
		_, err := c.Send(context.Background(), token, msg)
		if err == nil || !messenger.Retryable(err) {
			t.Fatalf("err = %v, want retryable", err)
		}
	})
	t.Run("caller deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := (&messenger.Client{BaseURL: slow.URL}).Send(ctx, token, msg)
		if err == nil || messenger.Retryable(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want non-retryable deadline", err)
		}
	})
	t.Run("caller cancel", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		_, err := (&messenger.Client{BaseURL: slow.URL}).Send(ctx, token, msg)
		if err == nil || messenger.Retryable(err) || !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want non-retryable cancel", err)
		}
	})
	t.Run("truncated response", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"recipient_id":`))
			panic(http.ErrAbortHandler)
		}))
		defer srv.Close()
		_, err := (&messenger.Client{BaseURL: srv.URL}).Send(context.Background(), token, msg)
		if err == nil || !messenger.Retryable(err) {
			t.Fatalf("err = %v, want retryable", err)
		}
	})
	t.Run("non-JSON 502", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "<html>Bad Gateway</html>", http.StatusBadGateway)
		}))
		defer srv.Close()
		_, err := (&messenger.Client{BaseURL: srv.URL}).Send(context.Background(), token, msg)
		var ge *messenger.GraphError
		if !errors.As(err, &ge) || ge.HTTPStatus != 502 || ge.Code != 0 || !messenger.Retryable(err) {
			t.Fatalf("err = %v, want retryable GraphError with HTTP 502", err)
		}
	})
	t.Run("error body with 200", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"error":{"message":"(#100) bad","type":"OAuthException","code":100,"fbtrace_id":"x"}}`))
		}))
		defer srv.Close()
		_, err := (&messenger.Client{BaseURL: srv.URL}).Send(context.Background(), token, msg)
		var ge *messenger.GraphError
		if !errors.As(err, &ge) || ge.Code != 100 || messenger.Retryable(err) {
			t.Fatalf("err = %v", err)
		}
	})
}
