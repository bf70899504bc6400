package viber

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/parleycc/parley"
)

// Receive verifies a callback's signature on the raw body, then turns it
// into one event (none for the set_webhook check). A conversation_started
// callback is answered with the account's welcome message when set.
func (c *Channel) Receive(ctx context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	if req == nil {
		return nil, parley.Errorf(parley.EINVALID, "viber: no request")
	}
	acct, err := verify(req, candidates)
	if err != nil {
		return nil, err
	}
	ev, err := parseEvent(req.Body)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "viber: %v", err)
	}
	if ev.Event == EventWebhook {
		return &parley.Received{}, nil
	}
	key, err := dedupKey(ev, req.Body)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "viber: %v", err)
	}
	out := &parley.Received{Events: []*parley.InboundEvent{{
		TenantID:  acct.TenantID,
		AccountID: acct.ID,
		Channel:   Type,
		DedupKey:  key,
		Kind:      ev.Event,
		Payload:   append([]byte(nil), req.Body...),
	}}}
	if ev.Event == EventConversationStarted {
		if w, ok := welcome(acct); ok {
			out.Response, out.ContentType = w, "application/json"
		}
	}
	return out, nil
}

// verify returns the candidate whose auth token signed the body.
func verify(req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Account, error) {
	sig := req.Header.Get(SignatureHeader)
	if sig == "" {
		return nil, parley.Errorf(parley.EFORBIDDEN, "viber: missing %s header", SignatureHeader)
	}
	for _, a := range candidates {
		if a != nil && VerifySignature(req.Body, sig, a.AccessToken) {
			return a, nil
		}
	}
	return nil, parley.Errorf(parley.EFORBIDDEN, "viber: %s does not match any account", SignatureHeader)
}

// dedupKey is the message_token in decimal for messages; other events
// (whose token is the message they are about, or the session) add the event
// name so a delivered and a seen of one message differ. Events without a
// token use a hash of event, user and timestamp.
func dedupKey(ev *event, body []byte) (string, error) {
	tok, err := ev.token()
	if err != nil {
		return "", err
	}
	switch {
	case tok != "" && ev.Event == EventMessage:
		return tok, nil
	case tok != "":
		return ev.Event + ":" + tok, nil
	}
	h := sha256.Sum256([]byte(ev.Event + "\x00" + ev.userID() + "\x00" + ev.Timestamp.String()))
	return ev.Event + ":" + hex.EncodeToString(h[:12]), nil
}

// welcome renders the account's welcome message as a send_message body
// without receiver, the answer Viber shows to a conversation_started.
func welcome(acct *parley.Account) ([]byte, bool) {
	text := acct.Setting(SettingWelcomeMessage)
	if text == "" {
		return nil, false
	}
	b, err := json.Marshal(sendBody{Sender: senderOf(acct), Type: "text", Text: strp(text)})
	if err != nil {
		return nil, false
	}
	return b, true
}
