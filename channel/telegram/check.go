package telegram

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// TestConnection calls getMe: ID is the bot's user id, Name its username.
// A token Telegram refuses (401/404) sets Credentials; a bot other than
// the account's PageID (when set) is not valid.
func (c *Channel) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	var me botUser
	if err := c.call(ctx, acct, "getMe", struct{}{}, &me); err != nil {
		return failedConnection(err), nil
	}
	res := parley.ConnectionResult{Valid: true, ID: strconv.FormatInt(me.ID, 10), Name: me.Username}
	if acct.PageID != "" && acct.PageID != res.ID {
		res.Valid = false
		res.Reason = fmt.Sprintf("the token belongs to bot %s (@%s), not to the account's bot %s", res.ID, me.Username, acct.PageID)
	}
	return res, nil
}

// failedConnection is the answer for a failed getMe.
func failedConnection(err error) parley.ConnectionResult {
	var ae *APIError
	if errors.As(err, &ae) {
		return parley.ConnectionResult{
			Credentials: ae.Class() == parley.SendCredentials,
			Reason:      fmt.Sprintf("Telegram answered %d: %s", ae.Code, ae.Description),
		}
	}
	return parley.ConnectionResult{Reason: "cannot reach Telegram: " + err.Error()}
}

// CheckHealth checks the token (getMe) and the webhook (getWebhookInfo).
// Subscribed means a webhook URL is set, and equals the account's
// "webhook_url" setting when there is one; a different or missing URL is
// set again with SetWebhook (Resubscribed).
func (c *Channel) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: time.Now().UTC()}
	conn, _ := c.TestConnection(ctx, acct)
	h.TokenOK, h.PageName = conn.Valid, conn.Name
	if !conn.Valid {
		h.Error = conn.Reason
		return h, nil
	}
	var info webhookInfo
	if err := c.call(ctx, acct, "getWebhookInfo", struct{}{}, &info); err != nil {
		h.Error = err.Error()
		return h, nil
	}
	want := acct.Setting(SettingWebhookURL)
	h.Subscribed = info.URL != "" && (want == "" || info.URL == want)
	h.Error = info.LastErrorMessage
	if !h.Subscribed && want != "" {
		if err := c.SetWebhook(ctx, acct, want); err != nil {
			h.Error = err.Error()
			return h, nil
		}
		h.Subscribed, h.Resubscribed = true, true
	}
	if !h.Subscribed && h.Error == "" {
		h.Error = "no webhook is set for the bot"
	}
	return h, nil
}

// SetWebhook registers url as the bot's webhook with secret_token =
// acct.VerifyToken and the update types Parley decodes.
func (c *Channel) SetWebhook(ctx context.Context, acct *parley.Account, url string) error {
	if url == "" {
		return parley.Errorf(parley.EINVALID, "telegram: webhook url required")
	}
	if !validSecret(acct.VerifyToken) {
		return parley.Errorf(parley.EINVALID, "telegram: account %q: verify_token is not a valid secret_token", acct.Name)
	}
	params := map[string]any{
		"url":             url,
		"secret_token":    acct.VerifyToken,
		"allowed_updates": updateFields(),
	}
	if err := c.call(ctx, acct, "setWebhook", params, nil); err != nil {
		return fmt.Errorf("telegram: set webhook: %w", err)
	}
	return nil
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
