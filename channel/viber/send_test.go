package viber_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/viber/fakeviber"
)

const customerID = "01234567890A="

func startFake(t *testing.T) (*fakeviber.Server, *parley.Account) {
	t.Helper()
	fake := fakeviber.New()
	fake.AddBot(testToken, "pa:75346594275468546724", "Shop")
	srv := fake.Start()
	t.Cleanup(srv.Close)
	return fake, testAccount(srv.URL)
}

func send(t *testing.T, acct *parley.Account, out *parley.Outgoing) (parley.SendResult, error) {
	t.Helper()
	return viber.New(nil).Send(context.Background(), acct, &parley.Customer{ExternalID: customerID}, out)
}

// canon re-encodes JSON so two documents compare regardless of spacing.
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
	const snd = `"receiver":"01234567890A=","sender":{"name":"Shop Support","avatar":"https://example.com/a.jpg"}`
	tests := []struct {
		name string
		out  parley.Outgoing
		want []string
	}{
		{"text", parley.Outgoing{Reply: parley.Reply{Text: "Hello! How can I help?"}},
			[]string{`{` + snd + `,"type":"text","text":"Hello! How can I help?"}`}},
		{"quick replies and buttons", parley.Outgoing{Reply: parley.Reply{Text: "Choose a topic",
			QuickReplies: []parley.QuickReply{{Title: "Billing", Payload: "topic:billing"}, {Title: "Yes"}},
			Buttons:      []parley.Button{{Type: parley.ButtonPostback, Title: "Agent", Payload: "AGENT"}, {Type: parley.ButtonURL, Title: "Help center", URL: "https://support.example.com"}}}},
			[]string{`{` + snd + `,"min_api_version":3,"type":"text","text":"Choose a topic","keyboard":{"Type":"keyboard","DefaultHeight":false,"Buttons":[` +
				`{"Columns":3,"Rows":1,"ActionType":"reply","ActionBody":"qr:topic:billing","Text":"Billing"},` +
				`{"Columns":3,"Rows":1,"ActionType":"reply","ActionBody":"qr:Yes","Text":"Yes"},` +
				`{"Columns":6,"Rows":1,"ActionType":"reply","ActionBody":"pb:AGENT","Text":"Agent"},` +
				`{"Columns":6,"Rows":1,"ActionType":"open-url","ActionBody":"https://support.example.com","Text":"Help center"}]}}`}},
		{"card", parley.Outgoing{Reply: parley.Reply{Cards: []parley.Card{{Title: "Phone <X>", Subtitle: "€99", ImageURL: "https://example.com/p.jpg",
			Buttons: []parley.Button{{Title: "Buy", Payload: "BUY_X"}}}}}},
			[]string{`{` + snd + `,"min_api_version":3,"type":"rich_media","rich_media":{"Type":"rich_media","ButtonsGroupColumns":6,"ButtonsGroupRows":7,"BgColor":"#FFFFFF","Buttons":[` +
				`{"Columns":6,"Rows":3,"ActionType":"none","ActionBody":"none","Image":"https://example.com/p.jpg"},` +
				`{"Columns":6,"Rows":3,"ActionType":"none","ActionBody":"none","Text":"<b>Phone &lt;X&gt;</b><br>€99","TextVAlign":"top","TextHAlign":"left"},` +
				`{"Columns":6,"Rows":1,"ActionType":"reply","ActionBody":"pb:BUY_X","Text":"Buy"}]}}`}},
		{"attachments", parley.Outgoing{Reply: parley.Reply{Attachments: []parley.ReplyAttachment{
			{Type: "image", URL: "https://example.com/a.png?x=1"},
			{Type: "image", URL: "https://example.com/image"},
			{Type: "video", URL: "https://example.com/v.mp4", Size: 1000},
			{Type: "file", URL: "https://example.com/doc", Name: "invoice.pdf", Size: 2000},
			{Type: "file", URL: "https://example.com/unknown-size.pdf"}}}},
			[]string{
				`{` + snd + `,"type":"picture","text":"","media":"https://example.com/a.png?x=1"}`,
				`{` + snd + `,"type":"url","media":"https://example.com/image"}`,
				`{` + snd + `,"type":"video","media":"https://example.com/v.mp4","size":1000}`,
				`{` + snd + `,"type":"file","media":"https://example.com/doc","size":2000,"file_name":"invoice.pdf"}`,
				`{` + snd + `,"type":"url","media":"https://example.com/unknown-size.pdf"}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, acct := startFake(t)
			res, err := send(t, acct, &tt.out)
			if err != nil {
				t.Fatal(err)
			}
			reqs := fake.Requests()
			if len(reqs) != len(tt.want) {
				t.Fatalf("requests = %d, want %d", len(reqs), len(tt.want))
			}
			for i, r := range reqs {
				if r.Method != http.MethodPost || r.Path != "/pa/send_message" || r.Header.Get(viber.AuthHeader) != testToken ||
					r.Header.Get("Content-Type") != "application/json" {
					t.Fatalf("request %d: %s %s %v", i, r.Method, r.Path, r.Header)
				}
				if got, want := canon(t, r.Body), canon(t, []byte(tt.want[i])); got != want {
					t.Errorf("body %d:\n got %s\nwant %s", i, got, want)
				}
			}
			if res.ExternalID == "" {
				t.Fatal("no external id")
			}
		})
	}
}

func TestSendSplitsLongText(t *testing.T) {
	fake, acct := startFake(t)
	text := strings.Repeat("word ", 3000) // 15000 chars
	if _, err := send(t, acct, &parley.Outgoing{Reply: parley.Reply{Text: text, QuickReplies: []parley.QuickReply{{Title: "OK"}}}}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	var joined string
	for i, m := range sent {
		s := m["text"].(string)
		if len([]rune(s)) > viber.MaxText {
			t.Fatalf("part %d is %d chars", i, len(s))
		}
		if (m["keyboard"] != nil) != (i == len(sent)-1) {
			t.Fatalf("keyboard must ride on the last part only (part %d)", i)
		}
		joined += s
	}
	if len(sent) != 3 || joined != text {
		t.Fatalf("parts = %d, text preserved = %v", len(sent), joined == text)
	}
}

func TestSendActionIsNoop(t *testing.T) {
	fake, acct := startFake(t)
	for _, a := range []string{parley.ActionTypingOn, parley.ActionMarkSeen} {
		if _, err := send(t, acct, &parley.Outgoing{Action: a}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(fake.Requests()); n != 0 {
		t.Fatalf("actions made %d calls", n)
	}
}

func TestSendErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*fakeviber.Server, *parley.Account)
		class string
	}{
		{"unsubscribed", func(f *fakeviber.Server, _ *parley.Account) { f.Unsubscribe(customerID) }, parley.SendUnreachable},
		{"bad token", func(_ *fakeviber.Server, a *parley.Account) { a.AccessToken = "wrong" }, parley.SendCredentials},
		{"too many", func(f *fakeviber.Server, _ *parley.Account) { f.SetFault(100, 0) }, parley.SendRetry},
		{"not registered", func(f *fakeviber.Server, _ *parley.Account) { f.SetFault(100, viber.StatusReceiverNotRegistered) }, parley.SendUnreachable},
		{"no suitable device", func(f *fakeviber.Server, _ *parley.Account) { f.SetFault(100, viber.StatusReceiverNoSuitableDevice) }, parley.SendUnreachable},
		{"bad data", func(_ *fakeviber.Server, a *parley.Account) {
			a.Settings[viber.SettingSenderName] = strings.Repeat("n", 29)
		}, parley.SendPermanent},
		{"blocked", func(f *fakeviber.Server, _ *parley.Account) { f.SetFault(100, 7) }, parley.SendPermanent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, acct := startFake(t)
			tt.setup(fake, acct)
			_, err := send(t, acct, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
			assertClass(t, err, tt.class)
		})
	}
}

func TestSendTransportErrors(t *testing.T) {
	h500 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusBadGateway) }))
	defer h500.Close()
	_, err := send(t, testAccount(h500.URL), &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	assertClass(t, err, parley.SendRetry)

	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	_, err = send(t, testAccount(closed.URL), &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	assertClass(t, err, parley.SendRetry)
}

func TestSendFaultRatio(t *testing.T) {
	fake, acct := startFake(t)
	fake.SetFault(50, 0)
	fails := 0
	for range 10 {
		if _, err := send(t, acct, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}}); err != nil {
			fails++
		}
	}
	if fails != 5 {
		t.Fatalf("fails = %d, want 5", fails)
	}
}

func TestSendRefusesEmpty(t *testing.T) {
	_, acct := startFake(t)
	_, err := send(t, acct, &parley.Outgoing{})
	assertClass(t, err, parley.SendRefused)
}

func assertClass(t *testing.T, err error, class string) {
	t.Helper()
	var se *parley.SendError
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *SendError", err)
	}
	if se.Class != class {
		t.Fatalf("class = %s, want %s (%v)", se.Class, class, err)
	}
}
