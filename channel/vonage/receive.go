package vonage

import (
	"context"
	"strings"

	"github.com/parleycc/parley"
)

// Receive verifies the bearer JWT of a callback against the candidates'
// signature secrets (VerifyToken), then turns the body into one event:
// an inbound message (DedupKey message_uuid) or a status (message_uuid and
// status, so a delivered and a read of one message differ).
func (c *Channel) Receive(ctx context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	if req == nil {
		return nil, parley.Errorf(parley.EINVALID, "vonage: no request")
	}
	acct, err := c.verify(req, candidates)
	if err != nil {
		return nil, err
	}
	cb, err := parseCallback(req.Body)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "vonage: %v", err)
	}
	key, kind := cb.MessageUUID, "message"
	if cb.isStatus() {
		key, kind = cb.MessageUUID+":"+cb.Status, cb.Status
	}
	return &parley.Received{Events: []*parley.InboundEvent{{
		TenantID:  acct.TenantID,
		AccountID: acct.ID,
		Channel:   Type,
		DedupKey:  key,
		Kind:      kind,
		Payload:   append([]byte(nil), req.Body...),
	}}}, nil
}

// verify returns the candidate whose signature secret signed the JWT.
func (c *Channel) verify(req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Account, error) {
	token, ok := bearer(req.Header.Get("Authorization"))
	if !ok {
		return nil, parley.Errorf(parley.EFORBIDDEN, "vonage: missing bearer token")
	}
	now := c.now()
	reason := "no account"
	for _, a := range candidates {
		if a == nil {
			continue
		}
		err := VerifyWebhook(token, req.Body, a.VerifyToken, now)
		if err == nil {
			return a, nil
		}
		reason = err.Error()
	}
	if len(candidates) > 1 {
		reason = "no account's signature secret verifies the token"
	}
	return nil, parley.Errorf(parley.EFORBIDDEN, "vonage: webhook JWT: %s", reason)
}

// bearer extracts the token of an "Authorization: Bearer" header.
func bearer(h string) (string, bool) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(h), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", false
	}
	return strings.TrimSpace(tok), true
}
