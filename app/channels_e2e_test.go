package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/line/fakeline"
	"github.com/parleycc/parley/channel/telegram/faketelegram"
	"github.com/parleycc/parley/channel/viber/fakeviber"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
	"golang.org/x/crypto/bcrypt"
)

// platform is one messaging platform's fake, as the end-to-end test
// drives it: the account to configure, a customer's signed message, and
// the texts the platform was asked to show the customer.
type platform struct {
	typ     string
	account string // YAML of the account's fields, indented
	server  http.Handler
	// customerSays builds a signed delivery of the customer's text n;
	// n above 100 comes from a second customer.
	customerSays func(n int, text string) (body []byte, header http.Header)
	sent         func() []string
	name         string // the customer's first name the bot greets
	// sentBy, when set, names how each sent message went (LINE: reply
	// or push).
	sentBy func() []string
}

func platforms(t *testing.T) []platform {
	tg := faketelegram.New()
	tg.AddBot("555:acme-token", faketelegram.Bot{ID: 555, Username: "acme_bot", FirstName: "Acme"})
	ln := fakeline.New()
	ln.AddBot(fakeline.Bot{Token: "line-token", Secret: "line-secret", UserID: "U0000000000000000000000000000bot1", DisplayName: "Acme"})
	ln.SetProfile("U11111111111111111111111111111111", fakeline.Profile{DisplayName: "Lin"})
	ln.SetProfile("U22222222222222222222222222222222", fakeline.Profile{DisplayName: "Lin"})
	vb := fakeviber.New()
	vb.AddBot("viber-token", "pa:acme", "Acme")
	vn := fakevonage.New()
	vn.AddAccount("vonage-key", "vonage-secret")
	return []platform{
		{typ: "telegram", server: tg, name: "Tina",
			account: "    type: telegram\n    access_token: \"555:acme-token\"\n    verify_token: tg-secret\n",
			customerSays: func(n int, text string) ([]byte, http.Header) {
				body := faketelegram.TextUpdate(int64(1000+n), int64(5000+n), faketelegram.From{ID: int64(4242 + n/100), FirstName: "Tina"}, text, time.Now()) // message ids as in a real chat, apart from the bot's
				return body, http.Header{"X-Telegram-Bot-Api-Secret-Token": {"tg-secret"}}
			},
			sent: func() (out []string) {
				for _, r := range tg.Calls("sendMessage") {
					out = append(out, r.Params["text"])
				}
				return out
			}},
		{typ: "line", server: ln, name: "Lin",
			account: "    type: line\n    page_id: U0000000000000000000000000000bot1\n    access_token: line-token\n    app_secret: line-secret\n",
			customerSays: func(n int, text string) ([]byte, http.Header) {
				body := fakeline.Envelope("U0000000000000000000000000000bot1", ln.TextEvent([]string{"U11111111111111111111111111111111", "U22222222222222222222222222222222"}[min(n/100, 1)], text, time.Now()))
				return body, http.Header{"X-Line-Signature": {fakeline.Sign(body, "line-secret")}}
			},
			sent: func() []string { return lineTexts(ln) },
			sentBy: func() (out []string) {
				for _, r := range ln.Requests() {
					if p, ok := strings.CutPrefix(r.Path, "/v2/bot/message/"); ok {
						out = append(out, p)
					}
				}
				return out
			}},
		{typ: "viber", server: vb, name: "Vera",
			account: "    type: viber\n    access_token: viber-token\n    settings:\n      sender_name: Acme\n",
			customerSays: func(n int, text string) ([]byte, http.Header) {
				body := fakeviber.Text(int64(5000000000000000000+n), time.Now(), fakeviber.User{ID: []string{"vera==", "vic=="}[min(n/100, 1)], Name: "Vera"}, text)
				return body, fakeviber.SignedHeader(body, "viber-token")
			},
			sent: func() (out []string) {
				for _, m := range vb.Sent() {
					if s, ok := m["text"].(string); ok {
						out = append(out, s)
					}
				}
				return out
			}},
		{typ: "vonage", server: vn, name: "",
			account: "    type: vonage\n    page_id: \"447700900000\"\n    app_secret: vonage-secret\n    verify_token: vonage-signature\n" +
				"    settings:\n      api_key: vonage-key\n      route: sms\n      from: \"447700900000\"\n",
			customerSays: func(n int, text string) ([]byte, http.Header) {
				body := fakevonage.Text("sms", []string{"447700900001", "447700900002"}[min(n/100, 1)], "447700900000", text, time.Now())
				h, err := fakevonage.SignedHeader(body, "vonage-signature", "vonage-key", time.Now())
				if err != nil {
					t.Fatal(err)
				}
				return body, h
			},
			sent: func() (out []string) {
				for _, m := range vn.Sent() {
					if s, ok := m["text"].(string); ok {
						out = append(out, s)
					}
				}
				return out
			}},
	}
}

// TestChannelsEndToEnd runs one conversation through every messaging
// platform's real webhook and send paths (against its fake): a signed
// customer message, the bot's greeting, routing to an agent, the agent's
// reply, each exactly once, on both databases; a redelivered webhook adds
// nothing.
func TestChannelsEndToEnd(t *testing.T) {
	for i, p := range platforms(t) {
		for name, dsn := range databases(t) {
			t.Run(p.typ+"/"+name, func(t *testing.T) {
				p := platforms(t)[i] // a fresh fake for each run
				fake := httptest.NewServer(p.server)
				t.Cleanup(fake.Close)
				a := startWith(t, dsn(t), "testdata/channels.yaml", map[string]string{"Account": p.account, "URL": fake.URL})
				accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
				if err != nil || len(accts) != 1 {
					t.Fatalf("accounts = %v, %v", accts, err)
				}
				url := a.URL() + "/webhooks/" + p.typ + "/" + accts[0].ID

				body, header := p.customerSays(1, "Hello from "+p.typ)
				for i := range 2 { // the second is a redelivery
					if code, msg := post(t, url, body, header); code != http.StatusOK {
						t.Fatalf("delivery %d: HTTP %d %s", i, code, msg)
					}
				}
				if code, _ := post(t, url, body, nil); code != http.StatusForbidden {
					t.Fatalf("unsigned delivery: HTTP %d, want 403", code)
				}

				w := &world{t: t, app: a}
				alice := w.login("alice", "alice-pass")
				if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
					t.Fatalf("ready: HTTP %d", code)
				}
				var chatID string
				eventually(t, "the chat assigned to alice", func() bool {
					for _, c := range alice.chats() {
						if c.State == parley.ChatAssigned {
							chatID = c.ID
						}
					}
					return chatID != ""
				})
				if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "How can I help?"}, nil); code != http.StatusCreated {
					t.Fatalf("reply: HTTP %d", code)
				}
				greeting := "Hi " + p.name + "!"
				eventually(t, "the greeting and the reply sent once each", func() bool {
					return slices.Equal(p.sent(), []string{greeting, "How can I help?"})
				})
				if p.sentBy != nil {
					// The greeting answers the customer's event with its
					// reply token; the token is used up, so the agent's
					// later answer is pushed.
					if got := p.sentBy(); !slices.Equal(got, []string{"reply", "push"}) {
						t.Errorf("sent by %q, want the greeting by reply and the agent's answer by push", got)
					}
				}
				var fromCustomer []string
				for _, m := range alice.messages(chatID) {
					if m.Sender == parley.SenderCustomer {
						fromCustomer = append(fromCustomer, m.Text)
					}
				}
				if !slices.Equal(fromCustomer, []string{"Hello from " + p.typ}) {
					t.Fatalf("the customer's messages in the transcript = %q, want the one message once", fromCustomer)
				}
				eventually(t, "both sends recorded as sent", func() bool {
					n := 0
					for _, m := range alice.messages(chatID) {
						if m.Direction == parley.Outbound && m.Status == parley.MsgSent {
							n++
						}
					}
					return n == 2
				})

				// A second customer is greeted too: the platform's message
				// ids of two customers never collide.
				body, header = p.customerSays(101, "Hello again")
				if code, msg := post(t, url, body, header); code != http.StatusOK {
					t.Fatalf("second customer: HTTP %d %s", code, msg)
				}
				eventually(t, "the second customer's greeting", func() bool {
					n := 0
					for _, s := range p.sent() {
						if s == greeting {
							n++
						}
					}
					return n == 2
				})
			})
		}
	}
}

// startWith starts Parley with a configuration file rendered from a
// template.
func startWith(t *testing.T, dsn, tmplPath string, data any) *app.App {
	t.Helper()
	tmpl := template.Must(template.ParseFiles(tmplPath))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(cfg, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn, ConfigFile: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost,
		AllowPrivateFetch: true}) // the platforms' fakes serve media on loopback
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// post sends a webhook body with headers and returns the status and body.
func post(t *testing.T, url string, body []byte, header http.Header) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg)
}

// TestNumberedChoices: where the platform shows no buttons (SMS), or not
// that many (LINE: 13 quick replies), the choices go out as a numbered
// list and the customer's bare number picks that choice, as a tap would.
func TestNumberedChoices(t *testing.T) {
	type customer struct {
		say   func(string)
		texts func() []string
	}
	tests := []struct {
		name   string
		config string
		fake   func() http.Handler
		start  func(t *testing.T, url string, fake http.Handler) customer
		list   string // the question as sent
		answer string
		chosen string
	}{
		{"sms", "testdata/numbered.yaml", func() http.Handler {
			vn := fakevonage.New()
			vn.AddAccount("vonage-key", "vonage-secret")
			return vn
		}, func(t *testing.T, url string, fake http.Handler) customer {
			say, texts := smsCustomer(t, url, fake.(*fakevonage.Server))
			return customer{say, texts}
		}, "What is it about?\n\n1. Orders\n2. Returns", "2", "You chose RETURNS."},
		{"line", "testdata/numbered_line.yaml", func() http.Handler {
			ln := fakeline.New()
			ln.AddBot(fakeline.Bot{Token: "line-token", Secret: "line-secret", UserID: "U0000000000000000000000000000bot1", DisplayName: "Acme"})
			return ln
		}, func(t *testing.T, url string, fake http.Handler) customer {
			say, texts := lineCustomer(t, url, fake.(*fakeline.Server))
			return customer{say, texts}
		}, "Which letter?\n\n1. A\n2. B\n3. C\n4. D\n5. E\n6. F\n7. G\n8. H\n9. I\n10. J\n11. K\n12. L\n13. M\n14. N", "14", "You chose L_N."},
	}
	for _, tt := range tests {
		for name, dsn := range databases(t) {
			t.Run(tt.name+"/"+name, func(t *testing.T) {
				platform := tt.fake()
				fake := httptest.NewServer(platform)
				t.Cleanup(fake.Close)
				a := startWith(t, dsn(t), tt.config, map[string]string{"URL": fake.URL})
				accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
				if err != nil || len(accts) != 1 {
					t.Fatalf("accounts = %v, %v", accts, err)
				}
				c := tt.start(t, a.URL()+"/webhooks/"+accts[0].Type+"/"+accts[0].ID, platform)
				c.say("Hi")
				eventually(t, "the numbered question", func() bool {
					return slices.Equal(c.texts(), []string{tt.list})
				})
				c.say(tt.answer)
				eventually(t, "the choice picked", func() bool {
					got := c.texts()
					return len(got) == 2 && got[1] == tt.chosen
				})
			})
		}
	}
}

// lineCustomer is a LINE friend of the bot at url: say sends a signed
// text event, texts lists the texts the fake LINE API was asked to show.
func lineCustomer(t *testing.T, url string, ln *fakeline.Server) (say func(string), texts func() []string) {
	say = func(text string) {
		t.Helper()
		body := fakeline.Envelope("U0000000000000000000000000000bot1", ln.TextEvent("U11111111111111111111111111111111", text, time.Now()))
		if code, msg := post(t, url, body, http.Header{"X-Line-Signature": {fakeline.Sign(body, "line-secret")}}); code != http.StatusOK {
			t.Fatalf("delivery: HTTP %d %s", code, msg)
		}
	}
	return say, func() []string { return lineTexts(ln) }
}

// lineTexts lists the texts the fake LINE API was asked to show, in order.
func lineTexts(ln *fakeline.Server) (out []string) {
	for _, r := range ln.Requests() {
		var b struct{ Messages []struct{ Text string } }
		if json.Unmarshal(r.Body, &b) == nil {
			for _, m := range b.Messages {
				out = append(out, m.Text)
			}
		}
	}
	return out
}

// smsCustomer is an SMS customer of the Vonage account at url: say sends
// a signed inbound text, texts lists what the fake Vonage API was sent.
func smsCustomer(t *testing.T, url string, vn *fakevonage.Server) (say func(string), texts func() []string) {
	say = func(text string) {
		t.Helper()
		body := fakevonage.Text("sms", "447700900001", "447700900000", text, time.Now())
		h, err := fakevonage.SignedHeader(body, "vonage-signature", "vonage-key", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if code, msg := post(t, url, body, h); code != http.StatusOK {
			t.Fatalf("delivery: HTTP %d %s", code, msg)
		}
	}
	texts = func() (out []string) {
		for _, m := range vn.Sent() {
			out = append(out, m["text"].(string))
		}
		return out
	}
	return say, texts
}

// TestAgentCards: an agent sends a carousel from the desktop's API, and
// each channel's platform receives it in its own form (Telegram: a
// message with an inline keyboard per card).
func TestAgentCards(t *testing.T) {
	p := platforms(t)[0] // Telegram
	fake := httptest.NewServer(p.server)
	t.Cleanup(fake.Close)
	a := startWith(t, filepath.Join(t.TempDir(), "parley.db"), "testdata/channels.yaml", map[string]string{"Account": p.account, "URL": fake.URL})
	accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
	if err != nil || len(accts) != 1 {
		t.Fatalf("accounts = %v, %v", accts, err)
	}
	body, header := p.customerSays(1, "Which repairs do you do?")
	if code, msg := post(t, a.URL()+"/webhooks/telegram/"+accts[0].ID, body, header); code != http.StatusOK {
		t.Fatalf("delivery: HTTP %d %s", code, msg)
	}
	w := &world{t: t, app: a}
	alice := w.login("alice", "alice-pass")
	alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
	var chatID string
	eventually(t, "the chat assigned to alice", func() bool {
		for _, c := range alice.chats() {
			if c.State == parley.ChatAssigned {
				chatID = c.ID
			}
		}
		return chatID != ""
	})
	cards := map[string]any{"elements": []map[string]any{
		{"title": "Screen repair", "subtitle": "Two days", "buttons": []map[string]string{{"title": "Book", "payload": "BOOK_SCREEN"}}},
		{"title": "Battery swap", "buttons": []map[string]string{{"title": "Book", "payload": "BOOK_BATTERY"}, {"title": "Prices", "url": "https://shop.example.com/battery"}}},
	}}
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/rich", cards, nil); code != http.StatusCreated {
		t.Fatalf("cards: HTTP %d", code)
	}
	if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/rich", map[string]any{"elements": []map[string]any{{"subtitle": "no title"}}}, nil); code != http.StatusBadRequest {
		t.Fatalf("a card without a title: HTTP %d, want 400", code)
	}
	eventually(t, "both cards shown with their keyboards", func() bool {
		got := p.sent()
		return len(got) >= 3 && strings.Contains(strings.Join(got, "|"), "Screen repair") && strings.Contains(strings.Join(got, "|"), "Battery swap")
	})
}
