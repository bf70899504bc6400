package fakeviber_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/viber/fakeviber"
)

func call(t *testing.T, url, method, token, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set(viber.AuthHeader, token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d: Viber answers 200 with a status", resp.StatusCode)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestStatuses(t *testing.T) {
	fake := fakeviber.New()
	fake.AddBot("tok", "pa:1", "Shop")
	srv := fake.Start()
	defer srv.Close()
	tests := []struct {
		name, method, path, token, body string
		status                          float64
	}{
		{"no token", "POST", "/pa/send_message", "", `{}`, 2},
		{"unknown token", "POST", "/pa/get_account_info", "nope", `{}`, 2},
		{"unknown method", "POST", "/pa/frobnicate", "tok", `{}`, 3},
		{"missing receiver", "POST", "/pa/send_message", "tok", `{"type":"text","text":"x","sender":{"name":"S"}}`, 4},
		{"long sender", "POST", "/pa/send_message", "tok", `{"receiver":"u","type":"text","text":"x","sender":{"name":"` + strings.Repeat("s", 29) + `"}}`, 3},
		{"ok", "POST", "/pa/send_message", "tok", `{"receiver":"u","type":"text","text":"x","sender":{"name":"S"}}`, 0},
		{"account info by GET", "GET", "/pa/get_account_info", "tok", ``, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := call(t, srv.URL+tt.path, tt.method, tt.token, tt.body)
			if m["status"] != tt.status || m["status_message"] == "" {
				t.Fatalf("answer %v", m)
			}
		})
	}
	if n := len(fake.Requests()); n != len(tests) {
		t.Fatalf("recorded %d", n)
	}
	fake.Reset()
	if len(fake.Requests()) != 0 {
		t.Fatal("reset")
	}
}

func TestSetWebhookPostsSignedCheck(t *testing.T) {
	fake := fakeviber.New()
	fake.AddBot("tok", "pa:1", "Shop")
	srv := fake.Start()
	defer srv.Close()
	var got []byte
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !viber.VerifySignature(body, r.Header.Get(viber.SignatureHeader), "tok") {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		got = body
	}))
	defer hook.Close()
	m := call(t, srv.URL+"/pa/set_webhook", "POST", "tok", `{"url":"`+hook.URL+`","event_types":["seen"]}`)
	if m["status"] != float64(0) || !bytes.Contains(got, []byte(`"event":"webhook"`)) {
		t.Fatalf("answer %v, check %s", m, got)
	}
	if b, _ := fake.Bot("tok"); b.Webhook != hook.URL {
		t.Fatalf("webhook %q", b.Webhook)
	}
	m = call(t, srv.URL+"/pa/set_webhook", "POST", "tok", `{"url":""}`)
	if b, _ := fake.Bot("tok"); m["status"] != float64(0) || b.Webhook != "" {
		t.Fatalf("removing: %v %q", m, b.Webhook)
	}
}

func TestBuilders(t *testing.T) {
	u := fakeviber.User{ID: "01234567890A=", Name: "John"}
	now := time.UnixMilli(1457764197627)
	for name, body := range map[string][]byte{
		"text":    fakeviber.Text(4912661846655238145, now, u, "hi"),
		"started": fakeviber.ConversationStarted(1, now, u, "campaign-42"),
		"sub":     fakeviber.Subscribed(2, now, u),
		"seen":    fakeviber.Receipt(viber.EventSeen, 3, now, u.ID),
		"check":   fakeviber.WebhookCheck(4, now),
	} {
		if !json.Valid(body) || !bytes.Contains(body, []byte(`"timestamp":1457764197627`)) {
			t.Errorf("%s: %s", name, body)
		}
	}
	if b := fakeviber.Text(4912661846655238145, now, u, "hi"); !bytes.Contains(b, []byte(`"message_token":4912661846655238145`)) {
		t.Fatalf("token must be exact: %s", b)
	}
	h := fakeviber.SignedHeader([]byte("x"), "tok")
	if h.Get(viber.SignatureHeader) != viber.Sign([]byte("x"), "tok") {
		t.Fatal("signed header")
	}
}
