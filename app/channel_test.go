package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/channeltest"
	"golang.org/x/crypto/bcrypt"
)

// TestAnyChannelEndToEnd registers a channel the server has never heard
// of (one package, one registration) and runs a whole conversation through
// it: signed webhook on its per-account URL, bot greeting, routing, agent
// reply, each sent once. Nothing in conversation or web knows the channel.
func TestAnyChannelEndToEnd(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			ch := channeltest.New()
			a := app.New(app.Config{Addr: "127.0.0.1:0", Database: dsn(t), ConfigFile: "testdata/testchannel.yaml",
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PollInterval: 50 * time.Millisecond, PasswordCost: bcrypt.MinCost,
				Channels: []parley.Channel{ch}})
			if err := a.Start(context.Background()); err != nil {
				t.Fatalf("start: %v", err)
			}
			t.Cleanup(func() { _ = a.Close() })
			accts, err := a.Store.Accounts(context.Background(), parley.DefaultTenant)
			if err != nil || len(accts) != 1 {
				t.Fatalf("accounts = %v, %v", accts, err)
			}
			url := a.URL() + "/webhooks/test/" + accts[0].ID
			body, _ := json.Marshal(channeltest.Delivery{Account: "test-page-1", Events: []channeltest.Message{
				{ID: "t1", From: "cust-9", Text: "Hello there", At: time.Now().UnixMilli()}}})

			for _, tc := range []struct {
				name, url, sig string
				want           int
			}{
				{"unsigned", url, "", http.StatusForbidden},
				{"badly signed", url, channeltest.Sign(body, "wrong"), http.StatusForbidden},
				{"unknown account", a.URL() + "/webhooks/test/nope", channeltest.Sign(body, "test-secret"), http.StatusNotFound},
				{"unknown type", a.URL() + "/webhooks/carrier-pigeon/" + accts[0].ID, channeltest.Sign(body, "test-secret"), http.StatusNotFound},
				{"signed", url, channeltest.Sign(body, "test-secret"), http.StatusOK},
				{"redelivered", url, channeltest.Sign(body, "test-secret"), http.StatusOK},
			} {
				req, _ := http.NewRequest(http.MethodPost, tc.url, bytes.NewReader(body))
				if tc.sig != "" {
					req.Header.Set(channeltest.SignatureHeader, tc.sig)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				msg, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tc.want {
					t.Fatalf("%s: HTTP %d %s, want %d", tc.name, resp.StatusCode, msg, tc.want)
				}
				if bytes.Contains(msg, []byte(channeltest.Sign(body, "test-secret"))) {
					t.Fatalf("%s: the answer reveals the expected signature", tc.name)
				}
			}

			w := &world{t: t, app: a}
			alice := w.login("alice", "alice-pass")
			if code := alice.do(http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); code != http.StatusOK {
				t.Fatalf("ready: HTTP %d", code)
			}
			var chatID string
			eventually(t, "the chat assigned to alice", func() bool {
				for _, c := range alice.chats() {
					if c.State == parley.ChatAssigned && c.Customer.Name == "Test cust-9" {
						chatID = c.ID
					}
				}
				return chatID != ""
			})
			if code := alice.do(http.MethodPost, "/api/chats/"+chatID+"/messages", map[string]string{"text": "How can I help?"}, nil); code != http.StatusCreated {
				t.Fatalf("reply: HTTP %d", code)
			}
			eventually(t, "the greeting, the cards and the reply sent", func() bool {
				var got []string
				for _, s := range ch.Sent() {
					if s.Customer == "cust-9" && s.Out.Action == "" {
						got = append(got, s.Out.Text)
					}
				}
				return slices.Equal(got, []string{"Hi Test!", "", "How can I help?"})
			})
			cards := ch.Sent()[1].Out.Cards
			want := []parley.Card{
				{Title: "Screen repair for Test", Subtitle: "Two days", ImageURL: "https://shop.example.com/screen.png", Buttons: []parley.Button{
					{Type: parley.ButtonPostback, Title: "Book it", Payload: "BOOK_SCREEN"},
					{Type: parley.ButtonURL, Title: "Details", URL: "https://shop.example.com/screen"}}},
				{Title: "Battery swap", Buttons: []parley.Button{{Type: parley.ButtonPostback, Title: "Book it", Payload: "BOOK_BATTERY"}}},
			}
			if !reflect.DeepEqual(cards, want) {
				t.Fatalf("the scenario's cards reached the channel as %+v, want %+v", cards, want)
			}
			var customer int
			for _, m := range alice.messages(chatID) {
				if m.Sender == parley.SenderCustomer {
					customer++
				}
			}
			if customer != 1 {
				t.Fatalf("the customer's message is in the transcript %d times, want once", customer)
			}
		})
	}
}
