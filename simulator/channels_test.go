package simulator_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/telegram"
	"github.com/parleycc/parley/channel/viber"
	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/simulator"
)

var (
	orders = parley.Button{Type: parley.ButtonPostback, Title: "Orders", Payload: "ORDERS"}
	site   = parley.Button{Type: parley.ButtonURL, Title: "Site", URL: "https://example.com/"}
	yesNo  = []parley.QuickReply{{Title: "Yes"}, {Title: "Later", Payload: "LATER"}}
	cards  = []parley.Card{{Title: "Boots", Subtitle: "Size 42", ImageURL: "https://example.com/boots.png", Buttons: []parley.Button{orders}}}
)

// wantIn checks a decoded webhook event.
func wantIn(t *testing.T, in *parley.Incoming, kind, user, text, payload string) {
	t.Helper()
	if in.Kind != kind || in.CustomerID != user || in.Text != text || in.Payload != payload {
		t.Errorf("decoded %s from %s text %q payload %q; want %s from %s text %q payload %q",
			in.Kind, in.CustomerID, in.Text, in.Payload, kind, user, text, payload)
	}
}

func wantChoices(t *testing.T, what string, got []simulator.Button, want ...string) {
	t.Helper()
	if g := choices(got); !slices.Equal(g, want) {
		t.Errorf("%s = %q, want %q", what, g, want)
	}
}

func TestSimMessenger(t *testing.T) {
	r := newRig(t)
	acct := &parley.Account{ID: "acct-1", Type: messenger.Type, PageID: "104329875512345", AccessToken: "page-token",
		AppSecret: "app-secret", APIBaseURL: r.srv.URL + simulator.GraphPath, Active: true}
	ch := messenger.New(http.DefaultClient)
	const psid = "2401123456789012"
	r.send(map[string]any{"psid": psid, "first_name": "Mia", "last_name": "Lopez", "text": "Hello"})
	wantIn(t, r.received(ch, acct), parley.InMessage, psid, "Hello", "")
	r.send(map[string]any{"channel": "messenger", "user": psid, "text": "Orders", "postback": map[string]string{"title": "Orders", "payload": "ORDERS"}})
	wantIn(t, r.received(ch, acct), parley.InPostback, psid, "Orders", "ORDERS")

	r.sendAs(ch, acct, psid, parley.Reply{Text: "Pick one", QuickReplies: yesNo})
	r.sendAs(ch, acct, psid, parley.Reply{Cards: cards})
	msgs := r.messages("messenger", psid)
	if len(msgs) != 2 || msgs[0].Text != "Pick one" || len(msgs[1].Cards) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	wantChoices(t, "quick replies", msgs[0].QuickReplies, "Yes → quick reply Yes", "Later → quick reply LATER")
	if c := msgs[1].Cards[0]; c.Title != "Boots" || c.Subtitle != "Size 42" || c.Image != "https://example.com/boots.png" {
		t.Errorf("card = %+v", c)
	}
	wantChoices(t, "card buttons", msgs[1].Cards[0].Buttons, "Orders → postback ORDERS")
}

func TestSimTelegram(t *testing.T) {
	r := newRig(t)
	r.sim.AddTelegram(simulator.TelegramBot{Token: "555:acme-token", Secret: "tg-secret", ID: 555, Username: "acme_bot", Name: "Acme"})
	acct := &parley.Account{ID: "acct-1", Type: telegram.Type, AccessToken: "555:acme-token", VerifyToken: "tg-secret",
		APIBaseURL: r.srv.URL + simulator.TelegramPath, Active: true}
	ch := telegram.New(http.DefaultClient)
	const user = "424242421"
	r.send(map[string]any{"channel": "telegram", "user": user, "first_name": "Tina", "last_name": "Tan", "text": "Hello"})
	in := r.received(ch, acct)
	wantIn(t, in, parley.InMessage, user, "Hello", "")
	if in.Profile == nil || in.Profile.FirstName != "Tina" {
		t.Errorf("profile = %+v, want Tina", in.Profile)
	}
	r.send(map[string]any{"channel": "telegram", "user": user, "text": "Orders", "message_id": "1",
		"postback": map[string]string{"title": "Orders", "payload": "ORDERS"}})
	in = r.received(ch, acct)
	if in.Kind != parley.InPostback || in.Payload != "ORDERS" {
		t.Errorf("callback query decoded as %s %q", in.Kind, in.Payload)
	}

	r.sendAs(ch, acct, user, parley.Reply{Text: "Pick one", Buttons: []parley.Button{orders, site}, QuickReplies: yesNo})
	msgs := r.messages("telegram", user)
	if len(msgs) != 2 || msgs[0].Text != "Pick one" {
		t.Fatalf("messages = %+v", msgs)
	}
	wantChoices(t, "inline keyboard", msgs[0].Buttons, "Orders → postback ORDERS on 1", "Site → https://example.com/")
	wantChoices(t, "reply keyboard", msgs[1].QuickReplies, "Yes → text Yes", "Later → text Later")
}

func TestSimLine(t *testing.T) {
	r := newRig(t)
	const bot, user = "U0000000000000000000000000000bot1", "U1111111111111111111111111111111a"
	r.sim.AddLine(simulator.LineBot{Token: "line-token", Secret: "line-secret", UserID: bot, Name: "Acme"})
	acct := &parley.Account{ID: "acct-1", Type: line.Type, PageID: bot, AccessToken: "line-token", AppSecret: "line-secret",
		APIBaseURL: r.srv.URL + simulator.LinePath, Active: true}
	ch := line.New(http.DefaultClient)
	r.send(map[string]any{"channel": "line", "user": user, "first_name": "Lin", "last_name": "Li", "text": "Hello"})
	wantIn(t, r.received(ch, acct), parley.InMessage, user, "Hello", "")
	r.send(map[string]any{"channel": "line", "user": user, "text": "Orders", "postback": map[string]string{"title": "Orders", "payload": "ORDERS"}})
	if in := r.received(ch, acct); in.Kind != parley.InPostback || in.Payload != "ORDERS" {
		t.Errorf("postback decoded as %s %q", in.Kind, in.Payload)
	}

	r.sendAs(ch, acct, user, parley.Reply{Text: "Pick one", Buttons: []parley.Button{orders, site}, QuickReplies: yesNo})
	r.sendAs(ch, acct, user, parley.Reply{Cards: cards})
	msgs := r.messages("line", user)
	if len(msgs) != 2 || msgs[0].Text != "Pick one" || len(msgs[1].Cards) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	wantChoices(t, "template actions", msgs[0].Buttons, "Orders → postback ORDERS", "Site → https://example.com/")
	wantChoices(t, "quick reply items", msgs[0].QuickReplies, "Yes → text Yes", "Later → postback LATER")
	if c := msgs[1].Cards[0]; c.Title != "Boots" || c.Subtitle != "Size 42" || c.Image != "https://example.com/boots.png" {
		t.Errorf("flex bubble = %+v", c)
	}
}

func TestSimViber(t *testing.T) {
	r := newRig(t)
	r.sim.AddViber(simulator.ViberBot{Token: "viber-token", ID: "pa:acme", Name: "Acme"})
	acct := &parley.Account{ID: "acct-1", Type: viber.Type, AccessToken: "viber-token", APIBaseURL: r.srv.URL + simulator.ViberPath,
		Settings: map[string]string{viber.SettingSenderName: "Acme"}, Active: true}
	ch := viber.New(http.DefaultClient)
	const user = "vera0123456789=="
	r.send(map[string]any{"channel": "viber", "user": user, "first_name": "Vera", "last_name": "V", "text": "Hello"})
	wantIn(t, r.received(ch, acct), parley.InMessage, user, "Hello", "")
	// A keyboard tap is a text message carrying the button's ActionBody.
	r.send(map[string]any{"channel": "viber", "user": user, "text": "Orders", "postback": map[string]string{"title": "Orders", "payload": "pb:ORDERS"}})
	if in := r.received(ch, acct); in.Kind != parley.InPostback || in.Payload != "ORDERS" {
		t.Errorf("keyboard reply decoded as %s %q", in.Kind, in.Payload)
	}

	r.sendAs(ch, acct, user, parley.Reply{Text: "Pick one", QuickReplies: yesNo, Buttons: []parley.Button{orders}})
	r.sendAs(ch, acct, user, parley.Reply{Cards: cards})
	msgs := r.messages("viber", user)
	if len(msgs) != 2 || msgs[0].Text != "Pick one" || len(msgs[1].Cards) != 1 {
		t.Fatalf("messages = %+v", msgs)
	}
	wantChoices(t, "keyboard", msgs[0].QuickReplies, "Yes → postback qr:Yes", "Later → postback qr:LATER", "Orders → postback pb:ORDERS")
	c := msgs[1].Cards[0]
	if c.Title != "Boots" || c.Subtitle != "Size 42" || c.Image != "https://example.com/boots.png" {
		t.Errorf("rich media card = %+v", c)
	}
	wantChoices(t, "card buttons", c.Buttons, "Orders → postback pb:ORDERS")
}

func TestSimVonage(t *testing.T) {
	r := newRig(t)
	r.sim.AddVonage(simulator.VonageNumber{Number: "447700900000", APIKey: "vonage-key", APISecret: "vonage-secret", SignatureSecret: "vonage-signature"})
	acct := &parley.Account{ID: "acct-1", Type: vonage.Type, PageID: "447700900000", AppSecret: "vonage-secret", VerifyToken: "vonage-signature",
		APIBaseURL: r.srv.URL + simulator.VonagePath, Active: true,
		Settings: map[string]string{vonage.SettingAPIKey: "vonage-key", vonage.SettingRoute: "sms", vonage.SettingFrom: "447700900000"}}
	ch := vonage.New(http.DefaultClient)
	const user = "447700900123"
	r.send(map[string]any{"channel": "vonage", "user": user, "first_name": "Sam", "last_name": "O", "text": "Hello"})
	wantIn(t, r.received(ch, acct), parley.InMessage, user, "Hello", "")
	r.send(map[string]any{"channel": "vonage", "user": user, "text": "2"})
	wantIn(t, r.received(ch, acct), parley.InMessage, user, "2", "")

	r.sendAs(ch, acct, user, parley.Reply{Text: "Pick one", QuickReplies: yesNo})
	msgs := r.messages("vonage", user)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Text, "Pick one") || !strings.Contains(msgs[0].Text, "1. Yes") ||
		len(msgs[0].QuickReplies) != 0 || len(msgs[0].Buttons) != 0 {
		t.Fatalf("messages = %+v, want plain numbered text", msgs)
	}
}

// TestSimRefuses: unknown channels, malformed ids, and what a platform
// cannot send (a photo by SMS, an opt-in outside Messenger, an over-long
// ref) are refused with 400 before anything is posted.
func TestSimRefuses(t *testing.T) {
	r := newRig(t)
	r.sim.AddVonage(simulator.VonageNumber{Number: "447700900000", APIKey: "k", APISecret: "s", SignatureSecret: "sig"})
	for _, body := range []string{
		`{"channel":"fax","user":"12345","text":"hi"}`,
		`{"channel":"vonage","user":"abc","text":"hi"}`,
		`{"channel":"vonage","user":"447700900123","photo":true}`,
		`{"psid":"12","text":"hi"}`,
		`{"channel":"vonage","user":"447700900123"}`,
		`{"channel":"vonage","user":"447700900123","optin":{"ref":"pricing-page"}}`,      // an opt-in is Messenger's
		`{"psid":"2401123456789012","optin":{"ref":"` + strings.Repeat("r", 251) + `"}}`, // a ref over 250
	} {
		resp, err := http.Post(r.srv.URL+"/simulator/api/send", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%.80s: HTTP %d, want 400", body, resp.StatusCode)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.posts) != 0 {
		t.Errorf("%d webhooks posted for refused sends", len(r.posts))
	}
}
