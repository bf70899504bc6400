// Package channeltest is a tiny messaging channel for tests: a whole
// platform in one file, to show that a channel is one package plus one
// registration line, and to run conversations without a platform fake.
// Its webhook is a JSON list of customer messages signed with the
// account's app secret; what it sends is kept in memory.
package channeltest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// Type is the account type of the test channel.
const Type = "test"

// SignatureHeader carries the hex HMAC-SHA256 of the body.
const SignatureHeader = "X-Test-Signature"

// Channel is the test platform. The zero value is ready to use.
type Channel struct {
	mu   sync.Mutex
	sent []Sent
	fail []*parley.SendError
}

// Sent is one delivered message or action.
type Sent struct {
	Account  string
	Customer string
	Out      parley.Outgoing
}

// New returns an empty test channel.
func New() *Channel { return &Channel{} }

// Type is "test".
func (c *Channel) Type() string { return Type }

// ValidateAccount needs a page id and an app secret.
func (c *Channel) ValidateAccount(a *parley.Account) error {
	if a.PageID == "" || a.AppSecret == "" {
		return parley.Errorf(parley.EINVALID, "account %q: page_id and app_secret required", a.Name)
	}
	return nil
}

// Delivery is the webhook body.
type Delivery struct {
	Account string    `json:"account"` // the account's page id
	Events  []Message `json:"events"`
}

// Message is one customer message of a delivery.
type Message struct {
	ID      string `json:"id"`
	From    string `json:"from"`
	Text    string `json:"text,omitempty"`
	Payload string `json:"payload,omitempty"`
	At      int64  `json:"at"` // Unix milliseconds
}

// Sign returns the signature header of body.
func Sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// Receive verifies the signature against the candidate that the body
// names and splits the delivery into its messages.
func (c *Channel) Receive(_ context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	var d Delivery
	if err := json.Unmarshal(req.Body, &d); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "malformed delivery: %v", err)
	}
	var acct *parley.Account
	for _, a := range candidates {
		if a.PageID == d.Account {
			acct = a
		}
	}
	if acct == nil {
		return &parley.Received{Unmatched: []string{d.Account}}, nil
	}
	got, err := hex.DecodeString(req.Header.Get(SignatureHeader))
	if err != nil || !hmac.Equal(got, mustHex(Sign(req.Body, acct.AppSecret))) {
		return nil, parley.Errorf(parley.EFORBIDDEN, "%s is missing or does not match", SignatureHeader)
	}
	out := &parley.Received{}
	for _, m := range d.Events {
		raw, _ := json.Marshal(m) // a struct of strings and a number
		out.Events = append(out.Events, &parley.InboundEvent{TenantID: acct.TenantID, AccountID: acct.ID,
			Channel: Type, DedupKey: m.ID, Kind: "message", Payload: raw})
	}
	return out, nil
}

func mustHex(s string) []byte {
	b, _ := hex.DecodeString(s)
	return b
}

// Decode reads one stored message.
func (c *Channel) Decode(_ *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	var m Message
	if err := json.Unmarshal(ev.Payload, &m); err != nil {
		return nil, fmt.Errorf("channeltest: decode: %w", err)
	}
	in := &parley.Incoming{Kind: parley.InMessage, CustomerID: m.From, MessageID: m.ID, At: time.UnixMilli(m.At).UTC(), Text: m.Text}
	if m.Payload != "" {
		in.Kind, in.Payload = parley.InPostback, m.Payload
	}
	return in, nil
}

// Reach is always open: the test platform has no window.
func (c *Channel) Reach(_ *parley.Account, cust *parley.Customer, _ time.Time) parley.Reach {
	return parley.Reach{State: parley.ReachOpen, LastCustomerMessage: cust.LastMessageAt}
}

// FailNext makes the next send fail with err.
func (c *Channel) FailNext(err *parley.SendError) {
	c.mu.Lock()
	c.fail = append(c.fail, err)
	c.mu.Unlock()
}

// Send records the message, or fails as FailNext said.
func (c *Channel) Send(_ context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.fail) > 0 {
		err := c.fail[0]
		c.fail = c.fail[1:]
		return parley.SendResult{}, err
	}
	c.sent = append(c.sent, Sent{Account: acct.Name, Customer: to.ExternalID, Out: *out})
	return parley.SendResult{ExternalID: "test-" + strconv.Itoa(len(c.sent))}, nil
}

// Sent returns everything sent so far.
func (c *Channel) Sent() []Sent {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sent(nil), c.sent...)
}

// Download has nothing to fetch: test messages carry no media.
func (c *Channel) Download(context.Context, *parley.Account, *parley.InboundAttachment, int64) (*parley.File, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "the test channel has no media")
}

// Profile names the customer after their id.
func (c *Channel) Profile(_ context.Context, _ *parley.Account, id string) (*parley.Profile, error) {
	return &parley.Profile{FirstName: "Test", LastName: id}, nil
}

// TestConnection accepts every token but "bad".
func (c *Channel) TestConnection(_ context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	if acct.AccessToken == "bad" {
		return parley.ConnectionResult{Credentials: true, Reason: "the token is bad"}, nil
	}
	return parley.ConnectionResult{Valid: true, ID: acct.PageID, Name: acct.Name}, nil
}

// CheckWebhook always finds the webhook registered.
func (c *Channel) CheckWebhook(context.Context, *parley.Account) (parley.WebhookStatus, error) {
	return parley.WebhookStatus{Registered: true}, nil
}
