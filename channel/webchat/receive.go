package webchat

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Limits of a visitor's message.
const (
	MaxText   = 4000 // characters of text
	MaxFields = 10   // pre-chat answers
	MaxField  = 200  // characters of one answer
)

// Message is the body a visitor's browser posts: one message, a button
// tap (Payload) or the pre-chat form (Fields alone).
type Message struct {
	// ID is the browser's id of the message (a UUID): the dedup key.
	ID         string            `json:"id"`
	Text       string            `json:"text,omitempty"`
	Payload    string            `json:"payload,omitempty"`
	QuickReply bool              `json:"quick_reply,omitempty"`
	Fields     map[string]string `json:"fields,omitempty"`
}

// Stored is an event as kept in the inbound log: the message with whom it
// came from and when.
type Stored struct {
	Visitor string  `json:"visitor"`
	At      int64   `json:"at"` // Unix milliseconds
	Message Message `json:"message"`
}

// Event kinds in the inbound log.
const (
	kindMessage  = "message"
	kindPostback = "postback"
	kindStarted  = "started"
)

// Receive checks the visitor token (VisitorHeader) against the account
// and turns the body into one event, deduplicated by visitor and message id.
func (c *Channel) Receive(_ context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	if len(candidates) != 1 {
		return nil, parley.Errorf(parley.ENOTFOUND, "web chat deliveries go to /webhooks/webchat/{account id}")
	}
	acct := candidates[0]
	visitor, err := c.Visitor(acct, req.Header.Get(VisitorHeader))
	if err != nil {
		return nil, err
	}
	var m Message
	if err := json.Unmarshal(req.Body, &m); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "malformed message: %v", err)
	}
	if err := check(&m); err != nil {
		return nil, err
	}
	raw, err := json.Marshal(Stored{Visitor: visitor, At: c.now().UnixMilli(), Message: m})
	if err != nil {
		return nil, fmt.Errorf("webchat: encode event: %w", err)
	}
	// The dedup key is also the message's platform id (Decode): one
	// visitor's ids never collide with another's.
	ev := &parley.InboundEvent{TenantID: acct.TenantID, AccountID: acct.ID, Channel: Type,
		DedupKey: visitor + ":" + m.ID, Kind: kindOf(&m), Payload: raw}
	return &parley.Received{Events: []*parley.InboundEvent{ev}}, nil
}

// check validates a visitor's message: an id, something to say, bounded sizes.
func check(m *Message) error {
	switch {
	case !validVisitorID(m.ID):
		return parley.Errorf(parley.EINVALID, "id: required (a UUID)")
	case m.Text == "" && m.Payload == "" && len(m.Fields) == 0:
		return parley.Errorf(parley.EINVALID, "text, payload or fields: required")
	case utf8.RuneCountInString(m.Text) > MaxText || len(m.Payload) > MaxText:
		return parley.Errorf(parley.EINVALID, "text: longer than %d characters", MaxText)
	case len(m.Fields) > MaxFields:
		return parley.Errorf(parley.EINVALID, "fields: more than %d", MaxFields)
	}
	for k, v := range m.Fields {
		if len(k) > 40 || utf8.RuneCountInString(v) > MaxField {
			return parley.Errorf(parley.EINVALID, "fields.%.40s: too long", k)
		}
	}
	return nil
}

func kindOf(m *Message) string {
	switch {
	case m.Payload != "":
		return kindPostback
	case m.Text == "":
		return kindStarted
	}
	return kindMessage
}

// Decode reads one stored event back: a message, a postback (button tap
// or quick reply) or the conversation's start with its pre-chat answers.
func (c *Channel) Decode(_ *parley.Account, ev *parley.InboundEvent) (*parley.Incoming, error) {
	var s Stored
	if err := json.Unmarshal(ev.Payload, &s); err != nil {
		return nil, fmt.Errorf("webchat: decode: %w", err)
	}
	if s.Visitor == "" {
		return nil, fmt.Errorf("webchat: decode: the event names no visitor")
	}
	m := s.Message
	in := &parley.Incoming{Kind: parley.InMessage, CustomerID: s.Visitor, MessageID: s.Visitor + ":" + m.ID,
		At: time.UnixMilli(s.At).UTC(), Text: m.Text, Profile: profile(m.Fields)}
	switch kindOf(&m) {
	case kindPostback:
		in.Payload = m.Payload
		if m.QuickReply {
			in.QuickReply = true
		} else {
			in.Kind = parley.InPostback
		}
	case kindStarted:
		in.Kind = parley.InEntry
		in.Entry = &parley.InboundEntry{Kind: "started", Source: "webchat", Text: describe(m.Fields), Vars: m.Fields}
	}
	return in, nil
}

// profile names the visitor after the pre-chat form's "name", else
// "Visitor".
func profile(fields map[string]string) *parley.Profile {
	first, last, _ := strings.Cut(strings.TrimSpace(fields["name"]), " ")
	if first == "" {
		return &parley.Profile{FirstName: "Visitor"}
	}
	return &parley.Profile{FirstName: first, LastName: strings.TrimSpace(last)}
}

// describe is how the transcript shows the start of a conversation: the
// pre-chat answers, in a stable order, for the agent to read.
func describe(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		if v := strings.TrimSpace(fields[k]); v != "" {
			parts = append(parts, k+": "+v)
		}
	}
	if len(parts) == 0 {
		return "Started the chat"
	}
	return "Started the chat · " + strings.Join(parts, " · ")
}
