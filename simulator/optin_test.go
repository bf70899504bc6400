package simulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// TestSimMessengerOptin: a click on the demo website's Send to Messenger
// button reaches Parley as Facebook sends it: a messaging_optins item
// (sender PSID, recipient page, timestamp, optin.ref) signed with the app
// secret, which the Messenger channel accepts and reads as an opt-in entry
// carrying the ref.
func TestSimMessengerOptin(t *testing.T) {
	r := newRig(t)
	acct := &parley.Account{ID: "acct-1", Type: messenger.Type, PageID: "104329875512345", AccessToken: "page-token",
		AppSecret: "app-secret", Active: true}
	const psid = "2401123456789012"
	r.send(map[string]any{"channel": "messenger", "user": psid, "first_name": "Mia", "last_name": "Lopez",
		"optin": map[string]string{"ref": "pricing-page"}})

	req := r.last()
	if req.URL != r.hook.URL+"/webhooks/facebook" {
		t.Errorf("posted to %s, want Parley's /webhooks/facebook", req.URL)
	}
	var body struct {
		Object string
		Entry  []struct {
			ID        string
			Time      int64
			Messaging []map[string]json.RawMessage
		}
	}
	if err := json.Unmarshal(req.Body, &body); err != nil {
		t.Fatalf("body %s: %v", req.Body, err)
	}
	if body.Object != "page" || len(body.Entry) != 1 || body.Entry[0].ID != acct.PageID || len(body.Entry[0].Messaging) != 1 {
		t.Fatalf("not one page entry with one messaging item: %s", req.Body)
	}
	item := body.Entry[0].Messaging[0]
	var keys []string
	for k := range item {
		keys = append(keys, k)
	}
	for k, want := range map[string]string{"sender": `{"id":"` + psid + `"}`, "recipient": `{"id":"104329875512345"}`,
		"optin": `{"ref":"pricing-page"}`} {
		if string(item[k]) != want {
			t.Errorf("messaging[0].%s = %s, want %s", k, item[k], want)
		}
	}
	var ts int64
	if err := json.Unmarshal(item["timestamp"], &ts); err != nil || ts != body.Entry[0].Time || ts < 1e12 {
		t.Errorf("timestamp %s (entry time %d): want epoch milliseconds", item["timestamp"], body.Entry[0].Time)
	}
	if len(item) != 4 {
		t.Errorf("messaging[0] has %v, want sender, recipient, timestamp and optin only", keys)
	}

	ch := messenger.New(http.DefaultClient)
	in := r.received(ch, acct) // verifies X-Hub-Signature-256 with the app secret
	if in.CustomerID != psid || in.Entry == nil || in.Entry.Kind != "optin" || in.Entry.Ref != "pricing-page" {
		t.Fatalf("decoded %+v entry %+v, want an opt-in from %s with ref pricing-page", in, in.Entry, psid)
	}
	other := *acct
	other.AppSecret = "another-app-secret"
	if _, err := ch.Receive(context.Background(), req, []*parley.Account{&other}); parley.ErrorCode(err) != parley.EFORBIDDEN {
		t.Errorf("Receive with another app's secret: %v, want EFORBIDDEN", err)
	}
}
