package webchat_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/webchat"
)

func account() *parley.Account {
	return &parley.Account{ID: "acct-1", TenantID: "default", Name: "site", Type: webchat.Type, AppSecret: "site-secret",
		Settings: map[string]string{"allowed_origins": "https://shop.example.com, http://localhost:3000", "prechat_fields": "name,email"}}
}

func channel() *webchat.Channel {
	return &webchat.Channel{Now: func() time.Time { return t0 }}
}

func receive(t *testing.T, token, body string) (*parley.Received, error) {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set(webchat.VisitorHeader, token)
	}
	return channel().Receive(context.Background(), &parley.WebhookRequest{Method: http.MethodPost, Header: h, Body: []byte(body)}, []*parley.Account{account()})
}

func TestReceive(t *testing.T) {
	good, _ := webchat.NewVisitorToken("site-secret", "v1", time.Hour, t0)
	forged, _ := webchat.NewVisitorToken("wrong-secret", "v1", time.Hour, t0)
	expired, _ := webchat.NewVisitorToken("site-secret", "v1", time.Hour, t0.Add(-2*time.Hour))
	body := `{"id":"m-1","text":"hi"}`
	for name, tc := range map[string]struct {
		token, body string
		code        string
	}{
		"missing token": {"", body, parley.EFORBIDDEN},
		"forged token":  {forged, body, parley.EFORBIDDEN},
		"expired token": {expired, body, parley.EFORBIDDEN},
		"malformed":     {good, `{"id":`, parley.EINVALID},
		"no id":         {good, `{"text":"hi"}`, parley.EINVALID},
		"nothing said":  {good, `{"id":"m-2"}`, parley.EINVALID},
		"too long":      {good, `{"id":"m-3","text":"` + strings.Repeat("a", webchat.MaxText+1) + `"}`, parley.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := receive(t, tc.token, tc.body)
			if got := parley.ErrorCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tc.code)
			}
			if strings.Contains(err.Error(), good) || strings.Contains(err.Error(), "site-secret") {
				t.Fatalf("the error reveals the expected value: %v", err)
			}
		})
	}
	got, err := receive(t, good, body)
	if err != nil || len(got.Events) != 1 {
		t.Fatalf("receive = %+v, %v", got, err)
	}
	ev := got.Events[0]
	if ev.AccountID != "acct-1" || ev.TenantID != "default" || ev.Channel != webchat.Type || ev.DedupKey != "v1:m-1" || ev.Kind != "message" {
		t.Fatalf("event = %+v", ev)
	}
	in, err := channel().Decode(account(), ev)
	if err != nil || in.CustomerID != "v1" || in.Text != "hi" || !in.At.Equal(t0) {
		t.Fatalf("decoded = %+v, %v", in, err)
	}
}

func TestDecode(t *testing.T) {
	at := func(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
	ann := &parley.Profile{FirstName: "Ann", LastName: "Lee"}
	visitor := &parley.Profile{FirstName: "Visitor"}
	const v = "3f2a9c1e7b8d4e5fa1b2c3d4e5f60718"
	for file, want := range map[string]*parley.Incoming{
		"message.json": {Kind: parley.InMessage, CustomerID: v, MessageID: v + ":1b4e28ba-2fa1-11d2-883f-0016d3cca427",
			At: at(1767225600000), Text: "Hello, is my order shipped?", Profile: ann},
		"postback.json": {Kind: parley.InPostback, CustomerID: v, MessageID: v + ":6fa459ea-ee8a-3ca4-894e-db77e160355e",
			At: at(1767225660000), Text: "Book it", Payload: "BOOK_SCREEN", Profile: visitor},
		"quick_reply.json": {Kind: parley.InMessage, CustomerID: v, MessageID: v + ":886313e1-3b8a-5372-9b90-0c9aee199e5d",
			At: at(1767225720000), Text: "Billing", Payload: "BILLING", QuickReply: true, Profile: visitor},
		"started.json": {Kind: parley.InEntry, CustomerID: v, MessageID: v + ":a3bb189e-8bf9-3888-9912-ace4e6543002",
			At: at(1767225540000), Profile: ann, Entry: &parley.InboundEntry{Kind: "started", Source: "webchat",
				Text: "Started the chat · email: ann@example.com · name: Ann Lee",
				Vars: map[string]string{"email": "ann@example.com", "name": "Ann Lee"}}},
	} {
		t.Run(file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			got, err := channel().Decode(account(), &parley.InboundEvent{Payload: raw})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("decoded\n %+v\nwant\n %+v", got, want)
			}
		})
	}
	if _, err := channel().Decode(account(), &parley.InboundEvent{Payload: []byte(`{"message":{}}`)}); err == nil {
		t.Error("an event without a visitor decoded")
	}
}

func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, file := range files {
		raw, _ := os.ReadFile(file)
		f.Add(raw)
	}
	f.Add([]byte(`{"visitor":"v","message":{"fields":{"name":"  "}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := channel().Decode(account(), &parley.InboundEvent{Payload: raw})
		if err == nil && (in.CustomerID == "" || in.Profile == nil) {
			t.Fatalf("decoded without a visitor or profile: %+v", in)
		}
	})
}

func FuzzReceive(f *testing.F) {
	f.Add([]byte(`{"id":"m-1","text":"hi","fields":{"name":"x"}}`))
	f.Add([]byte(`{"id":"m-1","payload":"P"}`))
	tok, _ := webchat.NewVisitorToken("site-secret", "v1", time.Hour, t0)
	f.Fuzz(func(t *testing.T, body []byte) {
		got, err := channel().Receive(context.Background(), &parley.WebhookRequest{Header: http.Header{webchat.VisitorHeader: {tok}}, Body: body}, []*parley.Account{account()})
		if err != nil {
			return
		}
		if _, err := channel().Decode(account(), got.Events[0]); err != nil {
			t.Fatalf("a received event does not decode: %v", err)
		}
	})
}
