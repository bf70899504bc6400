package vonage_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
)

func startFake(t *testing.T) (*fakevonage.Server, string) {
	t.Helper()
	fake := fakevonage.New()
	fake.AddAccount(apiKey, apiSecret)
	fake.AddApplication(appID, &testKey().PublicKey)
	srv := fake.Start()
	t.Cleanup(srv.Close)
	return fake, srv.URL
}

func canon(t *testing.T, b []byte) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestSendShapes(t *testing.T) {
	tests := []struct {
		name, route, from, to string
		out                   parley.Reply
		want                  []string
	}{
		{"messenger text", vonage.RouteMessenger, pageID, psid, parley.Reply{Text: "Thanks, an agent will reply shortly."},
			[]string{`{"message_type":"text","channel":"messenger","to":"3987564587398765","from":"107083064136738","text":"Thanks, an agent will reply shortly.","client_ref":"msg-1","messenger":{"category":"response"}}`}},
		{"messenger quick replies fall back", vonage.RouteMessenger, pageID, psid,
			parley.Reply{Text: "Pick one", QuickReplies: []parley.QuickReply{{Title: "Yes"}, {Title: "No"}}},
			[]string{`{"message_type":"text","channel":"messenger","to":"3987564587398765","from":"107083064136738","text":"Pick one\n\n1. Yes\n2. No","client_ref":"msg-1","messenger":{"category":"response"}}`}},
		{"messenger image", vonage.RouteMessenger, pageID, psid,
			parley.Reply{Attachments: []parley.ReplyAttachment{{Type: "image", URL: "https://example.com/a.png"}, {Type: "file", URL: "https://example.com/b.pdf", Name: "b.pdf"}}},
			[]string{`{"message_type":"image","channel":"messenger","to":"3987564587398765","from":"107083064136738","image":{"url":"https://example.com/a.png"},"client_ref":"msg-1","messenger":{"category":"response"}}`,
				`{"message_type":"file","channel":"messenger","to":"3987564587398765","from":"107083064136738","file":{"url":"https://example.com/b.pdf"},"client_ref":"msg-1","messenger":{"category":"response"}}`}},
		{"viber action button", vonage.RouteViber, "16273", "447700900000",
			parley.Reply{Text: "Your parcel arrives today.", Buttons: []parley.Button{{Type: parley.ButtonURL, Title: "Track", URL: "https://example.com/track"}}},
			[]string{`{"message_type":"text","channel":"viber_service","to":"447700900000","from":"16273","text":"Your parcel arrives today.","client_ref":"msg-1","viber_service":{"category":"transaction","action":{"url":"https://example.com/track","text":"Track"}}}`}},
		{"viber buttons fall back, video as file", vonage.RouteViber, "16273", "447700900000",
			parley.Reply{Text: "Menu", Buttons: []parley.Button{{Title: "Billing", Payload: "B"}, {Type: parley.ButtonURL, Title: "Site", URL: "https://x.example"}},
				Attachments: []parley.ReplyAttachment{{Type: "video", URL: "https://example.com/v.mp4", Name: "v.mp4"}}},
			[]string{`{"message_type":"text","channel":"viber_service","to":"447700900000","from":"16273","text":"Menu\n\n1. Billing\n2. Site https://x.example","client_ref":"msg-1","viber_service":{"category":"transaction"}}`,
				`{"message_type":"file","channel":"viber_service","to":"447700900000","from":"16273","file":{"url":"https://example.com/v.mp4","name":"v.mp4"},"client_ref":"msg-1","viber_service":{"category":"transaction"}}`}},
		{"sms links attachments", vonage.RouteSMS, "447700900001", "447700900000",
			parley.Reply{Text: "Here is your invoice", Attachments: []parley.ReplyAttachment{{Type: "file", URL: "https://example.com/i.pdf"}}},
			[]string{`{"message_type":"text","channel":"sms","to":"447700900000","from":"447700900001","text":"Here is your invoice\nhttps://example.com/i.pdf","client_ref":"msg-1"}`}},
		{"whatsapp cards fall back", vonage.RouteWhatsApp, "447700900001", "447700900000",
			parley.Reply{Cards: []parley.Card{{Title: "Phone", Subtitle: "€99", Buttons: []parley.Button{{Title: "Buy", Payload: "BUY"}}}, {Title: "Case", Subtitle: "€9"}}},
			[]string{`{"message_type":"text","channel":"whatsapp","to":"447700900000","from":"447700900001","text":"1. Phone: Buy\n2. Case — €9","client_ref":"msg-1"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, base := startFake(t)
			acct := testAccount(t, base, tt.route, tt.from)
			res, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: tt.to}, &parley.Outgoing{MessageID: "msg-1", Reply: tt.out})
			if err != nil {
				t.Fatal(err)
			}
			reqs := fake.Requests()
			if len(reqs) != len(tt.want) {
				t.Fatalf("requests = %d, want %d", len(reqs), len(tt.want))
			}
			for i, r := range reqs {
				if r.Method != http.MethodPost || r.Path != "/v1/messages" || r.Header.Get("Content-Type") != "application/json" ||
					!strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
					t.Fatalf("request %d: %s %s %v", i, r.Method, r.Path, r.Header)
				}
				if got, want := canon(t, r.Body), canon(t, []byte(tt.want[i])); got != want {
					t.Errorf("body %d:\n got %s\nwant %s", i, got, want)
				}
			}
			if len(res.ExternalID) != 36 {
				t.Fatalf("external id %q", res.ExternalID)
			}
		})
	}
}

func TestSendBasicAuthWithoutPrivateKey(t *testing.T) {
	fake, base := startFake(t)
	acct := testAccount(t, base, vonage.RouteSMS, "447700900001")
	delete(acct.Settings, vonage.SettingPrivateKey)
	if _, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: "447700900000"}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}}); err != nil {
		t.Fatal(err)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte(apiKey+":"+apiSecret))
	if got := fake.Requests()[0].Header.Get("Authorization"); got != want {
		t.Fatalf("auth = %q", got)
	}
}

func TestSendSplitsPerRoute(t *testing.T) {
	for route, limit := range map[string]int{vonage.RouteMessenger: 640, vonage.RouteViber: 1000, vonage.RouteSMS: 1600} {
		t.Run(route, func(t *testing.T) {
			fake, base := startFake(t)
			text := strings.Repeat("abcd ", limit/2) // 2.5 × limit
			_, err := vonage.New(nil).Send(context.Background(), testAccount(t, base, route, "16273"), &parley.Customer{ExternalID: "447700900000"}, &parley.Outgoing{Reply: parley.Reply{Text: text}})
			if err != nil {
				t.Fatal(err)
			}
			var joined string
			sent := fake.Sent()
			for _, m := range sent {
				s := m["text"].(string)
				if len([]rune(s)) > limit {
					t.Fatalf("part of %d chars", len(s))
				}
				joined += s
			}
			if len(sent) != 3 || joined != text {
				t.Fatalf("parts %d, preserved %v", len(sent), joined == text)
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name       string
		setup      func(*fakevonage.Server, *parley.Account)
		class      string
		retryAfter time.Duration
	}{
		{"unknown application", func(_ *fakevonage.Server, a *parley.Account) { a.Settings[vonage.SettingApplicationID] = "other" }, parley.SendCredentials, 0},
		{"bad basic", func(_ *fakevonage.Server, a *parley.Account) {
			delete(a.Settings, vonage.SettingPrivateKey)
			a.AppSecret = "x"
		}, parley.SendCredentials, 0},
		{"bad pem", func(_ *fakevonage.Server, a *parley.Account) { a.Settings[vonage.SettingPrivateKey] = "junk" }, parley.SendCredentials, 0},
		{"throttled", func(f *fakevonage.Server, _ *parley.Account) { f.SetFault(100, 0); f.SetRetryAfter(7 * time.Second) }, parley.SendRetry, 7 * time.Second},
		{"server error", func(f *fakevonage.Server, _ *parley.Account) { f.SetFault(100, 503) }, parley.SendRetry, 0},
		{"invalid params", func(_ *fakevonage.Server, a *parley.Account) {
			a.Settings[vonage.SettingFrom] = strings.Repeat("9", 51)
		}, parley.SendPermanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, base := startFake(t)
			acct := testAccount(t, base, vonage.RouteMessenger, pageID)
			tt.setup(fake, acct)
			_, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: psid}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
			se := assertClass(t, err, tt.class)
			if se.RetryAfter != tt.retryAfter {
				t.Fatalf("retry after = %v, want %v", se.RetryAfter, tt.retryAfter)
			}
		})
	}
}

func TestSendProblemMessage(t *testing.T) {
	fake, base := startFake(t)
	_ = fake
	acct := testAccount(t, base, vonage.RouteMessenger, pageID)
	acct.Settings[vonage.SettingFrom] = strings.Repeat("9", 51)
	_, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: psid}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	var api *vonage.APIError
	if !errors.As(err, &api) || api.StatusCode != 422 || api.Problem.Title != "Invalid params" || api.Problem.Instance == "" ||
		len(api.Problem.InvalidParameters) != 1 || api.Problem.InvalidParameters[0].Name != "from" {
		t.Fatalf("err = %#v", err)
	}
	if !strings.Contains(err.Error(), "Invalid params") {
		t.Fatalf("message %q", err.Error())
	}
}

func TestSendTransport(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	_, err := vonage.New(nil).Send(context.Background(), testAccount(t, down.URL, vonage.RouteSMS, "1"), &parley.Customer{ExternalID: "2"}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	assertClass(t, err, parley.SendRetry)
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadRequest) }))
	defer plain.Close()
	_, err = vonage.New(nil).Send(context.Background(), testAccount(t, plain.URL, vonage.RouteSMS, "1"), &parley.Customer{ExternalID: "2"}, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	assertClass(t, err, parley.SendPermanent)
}

func TestSendActionAndEmpty(t *testing.T) {
	fake, base := startFake(t)
	acct := testAccount(t, base, vonage.RouteWhatsApp, "1")
	if _, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: "2"}, &parley.Outgoing{Action: parley.ActionTypingOn}); err != nil {
		t.Fatal(err)
	}
	_, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: "2"}, &parley.Outgoing{})
	assertClass(t, err, parley.SendRefused)
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("%d calls", n)
	}
}

func TestFakeFaultRatio(t *testing.T) {
	fake, base := startFake(t)
	fake.SetFault(25, 500)
	acct := testAccount(t, base, vonage.RouteSMS, "1")
	fails := 0
	for range 8 {
		if _, err := vonage.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: "2"}, &parley.Outgoing{Reply: parley.Reply{Text: "x"}}); err != nil {
			fails++
		}
	}
	if fails != 2 {
		t.Fatalf("fails = %d, want 2", fails)
	}
}

func assertClass(t *testing.T, err error, class string) *parley.SendError {
	t.Helper()
	var se *parley.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SendError", err)
	}
	if se.Class != class {
		t.Fatalf("class = %s, want %s (%v)", se.Class, class, err)
	}
	return se
}
