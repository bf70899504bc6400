package line

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parleycc/parley"
)

// TestConnection calls GET /v2/bot/info: ID is the bot's userId (the
// webhook destination), Name its display name. A token LINE refuses (401)
// sets Credentials; a bot other than the account's PageID (when set) is
// not valid.
func (c *Channel) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	info, err := c.info(ctx, acct)
	if err != nil {
		return failedConnection(err), nil
	}
	res := parley.ConnectionResult{Valid: true, ID: info.UserID, Name: info.DisplayName}
	if acct.HasPlatformID() && acct.PageID != info.UserID {
		res.Valid = false
		res.Reason = fmt.Sprintf("the token belongs to bot %s (%s), not to the account's bot %s", info.UserID, info.BasicID, acct.PageID)
	}
	return res, nil
}

func (c *Channel) info(ctx context.Context, acct *parley.Account) (*botInfo, error) {
	var info botInfo
	r := request{op: "bot info", method: http.MethodGet, url: apiBase(acct) + "/v2/bot/info"}
	if err := c.do(ctx, acct, r, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// failedConnection is the answer for a failed bot info call.
func failedConnection(err error) parley.ConnectionResult {
	var ae *APIError
	if errors.As(err, &ae) {
		return parley.ConnectionResult{
			Credentials: ae.Status == http.StatusUnauthorized,
			Reason:      fmt.Sprintf("LINE answered %d: %s", ae.Status, ae.Message),
		}
	}
	return parley.ConnectionResult{Reason: "cannot reach LINE: " + err.Error()}
}

// CheckHealth checks the token (bot info) and the webhook endpoint
// (GET /v2/bot/channel/webhook/endpoint). Subscribed means the endpoint is
// active and, when the account has a "webhook_url" setting, equal to it; a
// different endpoint is set again (Resubscribed). "Use webhook" can only
// be turned on in the LINE console.
func (c *Channel) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: time.Now().UTC()}
	conn, _ := c.TestConnection(ctx, acct)
	h.TokenOK, h.PageName = conn.Valid, conn.Name
	if !conn.Valid {
		h.Error = conn.Reason
		return h, nil
	}
	ep, err := c.endpoint(ctx, acct)
	if err != nil {
		h.Error = err.Error()
		return h, nil
	}
	want := acct.Setting(SettingWebhookURL)
	if want != "" && ep.Endpoint != want {
		if err := c.SetWebhook(ctx, acct, want); err != nil {
			h.Error = err.Error()
			return h, nil
		}
		ep.Endpoint, h.Resubscribed = want, true
	}
	h.Subscribed = ep.Active && ep.Endpoint != ""
	switch {
	case ep.Endpoint == "":
		h.Error = "no webhook endpoint is set for the channel"
	case !ep.Active:
		h.Error = `the webhook is off: turn on "Use webhook" in the LINE Developers console`
	}
	return h, nil
}

func (c *Channel) endpoint(ctx context.Context, acct *parley.Account) (*webhookEndpoint, error) {
	var ep webhookEndpoint
	r := request{op: "webhook endpoint", method: http.MethodGet, url: apiBase(acct) + "/v2/bot/channel/webhook/endpoint"}
	if err := c.do(ctx, acct, r, &ep); err != nil {
		return nil, err
	}
	return &ep, nil
}

// SetWebhook sets the channel's webhook endpoint
// (PUT /v2/bot/channel/webhook/endpoint).
func (c *Channel) SetWebhook(ctx context.Context, acct *parley.Account, url string) error {
	if url == "" {
		return parley.Errorf(parley.EINVALID, "line: webhook url required")
	}
	r := request{op: "set webhook endpoint", method: http.MethodPut, url: apiBase(acct) + "/v2/bot/channel/webhook/endpoint",
		body: map[string]string{"endpoint": url}}
	return c.do(ctx, acct, r, nil)
}

// CheckWebhook is the seam's webhook check: CheckHealth's registration
// part, repaired when the webhook_url setting says where it belongs.
func (c *Channel) CheckWebhook(ctx context.Context, acct *parley.Account) (parley.WebhookStatus, error) {
	h, err := c.CheckHealth(ctx, acct)
	if err != nil {
		return parley.WebhookStatus{}, err
	}
	return parley.WebhookStatus{Registered: h.Subscribed, Repaired: h.Resubscribed, Reason: h.Error}, nil
}
