package simulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/simulator"
)

// rig is a simulator served over HTTP and a stand-in for Parley's webhook
// endpoints that records what the simulator posts.
type rig struct {
	t    *testing.T
	sim  *simulator.Simulator
	srv  *httptest.Server // the simulator: its API and the fakes
	hook *httptest.Server // Parley's webhooks

	mu    sync.Mutex
	posts []*parley.WebhookRequest
}

func newRig(t *testing.T) *rig {
	t.Helper()
	r := &rig{t: t, sim: simulator.New("104329875512345", "Demo", "page-token", "app-secret")}
	r.hook = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.posts = append(r.posts, &parley.WebhookRequest{Method: req.Method, Header: req.Header.Clone(), Query: req.URL.Query(),
			Body: body, URL: "http://" + req.Host + req.URL.Path})
		r.mu.Unlock()
	}))
	t.Cleanup(r.hook.Close)
	r.sim.WebhookURL = r.hook.URL + "/webhooks/facebook"
	r.sim.AccountURL = func(_ context.Context, ch string) (string, error) {
		return r.hook.URL + "/webhooks/" + ch + "/acct-1", nil
	}
	r.srv = httptest.NewServer(r.sim)
	t.Cleanup(r.srv.Close)
	return r
}

// send posts a customer action to /simulator/api/send and wants a 202.
func (r *rig) send(body map[string]any) {
	r.t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(r.srv.URL+"/simulator/api/send", "application/json", bytes.NewReader(b))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(resp.Body)
		r.t.Fatalf("send %s: HTTP %d %s", b, resp.StatusCode, msg)
	}
}

// last is the webhook the simulator posted last.
func (r *rig) last() *parley.WebhookRequest {
	r.t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.posts) == 0 {
		r.t.Fatal("no webhook reached Parley")
	}
	return r.posts[len(r.posts)-1]
}

// received verifies the last webhook with the channel's own Receive (its
// signature check) and decodes its one event.
func (r *rig) received(ch parley.Channel, acct *parley.Account) *parley.Incoming {
	r.t.Helper()
	req := r.last()
	got, err := ch.Receive(context.Background(), req, []*parley.Account{acct})
	if err != nil {
		r.t.Fatalf("Receive: %v (the webhook is not signed the platform's way)", err)
	}
	if len(got.Events) != 1 {
		r.t.Fatalf("Receive: %d events, want 1", len(got.Events))
	}
	in, err := ch.Decode(acct, got.Events[0])
	if err != nil {
		r.t.Fatalf("Decode: %v", err)
	}
	return in
}

// messages reads /simulator/api/messages for a channel's customer.
func (r *rig) messages(channel, user string) []simulator.Reply {
	r.t.Helper()
	resp, err := http.Get(r.srv.URL + "/simulator/api/messages?channel=" + channel + "&user=" + url.QueryEscape(user))
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Messages []simulator.Reply }
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		r.t.Fatalf("messages: HTTP %d", resp.StatusCode)
	}
	return out.Messages
}

// sendAs has Parley's channel send a reply to the customer through the
// simulator's fake.
func (r *rig) sendAs(ch parley.Channel, acct *parley.Account, user string, reply parley.Reply) {
	r.t.Helper()
	out := &parley.Outgoing{MessageID: "msg-1", Sender: parley.SenderBot, Reach: parley.Reach{State: parley.ReachOpen}, Reply: reply}
	if _, err := ch.Send(context.Background(), acct, &parley.Customer{ExternalID: user}, out); err != nil {
		r.t.Fatalf("Send: %v", err)
	}
}

// choice is what the page needs of a button: its title and what a tap
// posts.
func choice(b simulator.Button) string {
	switch {
	case b.URL != "":
		return b.Title + " → " + b.URL
	case b.Tap == nil:
		return b.Title + " (no tap)"
	case b.Tap.Postback != nil:
		return b.Title + " → postback " + b.Tap.Postback.Payload + msgID(b.Tap.MessageID)
	case b.Tap.QuickReply != "":
		return b.Title + " → quick reply " + b.Tap.QuickReply
	}
	return b.Title + " → text " + b.Tap.Text
}

func msgID(id string) string {
	if id == "" {
		return ""
	}
	return " on " + id
}

func choices(bs []simulator.Button) []string {
	out := make([]string, 0, len(bs))
	for _, b := range bs {
		out = append(out, choice(b))
	}
	return out
}
