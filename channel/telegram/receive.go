package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"strconv"

	"github.com/parleycc/parley"
)

// updateFields returns the Update fields Parley subscribes to, in the
// order setWebhook lists them.
func updateFields() []string {
	return []string{"message", "edited_message", "callback_query", "my_chat_member"}
}

// Receive verifies the X-Telegram-Bot-Api-Secret-Token header against the
// candidates' VerifyToken in constant time, then turns the one Update of
// the body into one event keyed by update_id.
func (c *Channel) Receive(ctx context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	if req == nil {
		return nil, parley.Errorf(parley.EINVALID, "telegram: empty webhook request")
	}
	acct, err := verify(req.Header.Get(SecretHeader), candidates)
	if err != nil {
		return nil, err
	}
	id, kind, err := splitUpdate(req.Body)
	if err != nil {
		return nil, err
	}
	ev := &parley.InboundEvent{
		TenantID:  acct.TenantID,
		AccountID: acct.ID,
		Channel:   Type,
		DedupKey:  strconv.FormatInt(id, 10),
		Kind:      kind,
		Payload:   bytes.Clone(req.Body),
	}
	return &parley.Received{Events: []*parley.InboundEvent{ev}}, nil
}

// verify returns the candidate whose secret token equals got. Every
// candidate is compared so the time taken does not depend on which one
// matches; the error never contains a secret.
func verify(got string, candidates []*parley.Account) (*parley.Account, error) {
	if got == "" {
		return nil, parley.Errorf(parley.EFORBIDDEN, "telegram: missing %s header", SecretHeader)
	}
	var match *parley.Account
	for _, a := range candidates {
		if a == nil || a.VerifyToken == "" {
			continue
		}
		if subtle.ConstantTimeCompare([]byte(got), []byte(a.VerifyToken)) == 1 && match == nil {
			match = a
		}
	}
	if match == nil {
		return nil, parley.Errorf(parley.EFORBIDDEN, "telegram: %s does not match the account's secret", SecretHeader)
	}
	return match, nil
}

// splitUpdate reads update_id and names the kind of one Update: the first
// field other than update_id that it carries ("unknown" when none).
func splitUpdate(body []byte) (int64, string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return 0, "", parley.Errorf(parley.EINVALID, "telegram: webhook body is not an Update object")
	}
	raw, ok := fields["update_id"]
	if !ok {
		return 0, "", parley.Errorf(parley.EINVALID, "telegram: update_id missing")
	}
	id, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return 0, "", parley.Errorf(parley.EINVALID, "telegram: update_id is not an integer")
	}
	return id, updateKind(fields), nil
}

// updateKind names an Update by the field it carries.
func updateKind(fields map[string]json.RawMessage) string {
	for _, k := range updateFields() {
		if v, ok := fields[k]; ok && string(v) != "null" {
			return k
		}
	}
	best := ""
	for k, v := range fields {
		if k != "update_id" && string(v) != "null" && (best == "" || k < best) {
			best = k
		}
	}
	if best == "" {
		return "unknown"
	}
	return best
}
