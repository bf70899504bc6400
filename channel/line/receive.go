package line

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"

	"github.com/parleycc/parley"
)

// Sign returns the x-line-signature value for body: the standard base64
// HMAC-SHA256 of the raw body keyed with the channel secret.
func Sign(body []byte, channelSecret string) string {
	return base64.StdEncoding.EncodeToString(mac(body, channelSecret))
}

func mac(body []byte, secret string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// VerifySignature reports whether header is a valid x-line-signature of
// body for channelSecret. An empty secret or header never verifies.
func VerifySignature(body []byte, header, channelSecret string) bool {
	if channelSecret == "" || header == "" {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(header)
	return err == nil && hmac.Equal(got, mac(body, channelSecret))
}

// Receive verifies x-line-signature against each candidate's channel
// secret, then splits the batch into one event per LINE event, keyed by
// webhookEventId. Each Payload is the event object exactly as received;
// the batch's destination is not kept since it is the account's PageID
// (among several verifying candidates, the one whose PageID is the
// destination is picked). A verification request ("events": []) yields
// no events.
func (c *Channel) Receive(ctx context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	if req == nil {
		return nil, parley.Errorf(parley.EINVALID, "line: empty webhook request")
	}
	verified, err := verify(req.Body, req.Header.Get(SignatureHeader), candidates)
	if err != nil {
		return nil, err
	}
	var env struct {
		Destination string             `json:"destination"`
		Events      *[]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(req.Body, &env); err != nil || env.Events == nil {
		return nil, parley.Errorf(parley.EINVALID, "line: webhook body is not a LINE event batch")
	}
	acct := pick(verified, env.Destination)
	out := &parley.Received{Events: make([]*parley.InboundEvent, 0, len(*env.Events))}
	for _, raw := range *env.Events {
		ev, err := splitEvent(acct, raw)
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, ev)
	}
	return out, nil
}

// verify returns the candidates whose secret verifies the signature; the
// error never contains the expected value.
func verify(body []byte, header string, candidates []*parley.Account) ([]*parley.Account, error) {
	if header == "" {
		return nil, parley.Errorf(parley.EFORBIDDEN, "line: missing %s header", SignatureHeader)
	}
	var ok []*parley.Account
	for _, a := range candidates {
		if a != nil && VerifySignature(body, header, a.AppSecret) {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return nil, parley.Errorf(parley.EFORBIDDEN, "line: %s does not verify with the channel secret", SignatureHeader)
	}
	return ok, nil
}

// pick prefers the verified account whose bot user id is the destination.
func pick(verified []*parley.Account, destination string) *parley.Account {
	for _, a := range verified {
		if destination != "" && a.PageID == destination {
			return a
		}
	}
	return verified[0]
}

// splitEvent makes the stored event of one LINE event: its raw JSON as
// received, keyed by webhookEventId (a hash of the event when absent).
func splitEvent(acct *parley.Account, raw json.RawMessage) (*parley.InboundEvent, error) {
	var head eventHead
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, parley.Errorf(parley.EINVALID, "line: an event is not a JSON object")
	}
	ev := &parley.InboundEvent{
		TenantID:  acct.TenantID,
		AccountID: acct.ID,
		Channel:   Type,
		DedupKey:  head.WebhookEventID,
		Kind:      head.Type,
		Payload:   bytes.Clone(raw),
	}
	if ev.DedupKey == "" {
		sum := sha256.Sum256(raw)
		ev.DedupKey = "sha256:" + hex.EncodeToString(sum[:16])
	}
	if ev.Kind == "" {
		ev.Kind = "unknown"
	}
	return ev, nil
}
