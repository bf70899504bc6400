package viber

import (
	"context"
	"errors"
	"fmt"

	"github.com/parleycc/parley"
)

// EventTypes returns the event types SetWebhook registers: every optional
// one (message, subscribed and unsubscribed are always sent).
func EventTypes() []string {
	return []string{EventDelivered, EventSeen, EventFailed, EventSubscribed, EventUnsubscribed, EventConversationStarted}
}

// AccountInfo is the part of get_account_info the channel uses.
type AccountInfo struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	URI              string   `json:"uri"`
	Webhook          string   `json:"webhook"`
	EventTypes       []string `json:"event_types"`
	SubscribersCount int      `json:"subscribers_count"`
}

type setWebhookBody struct {
	URL        string   `json:"url"`
	EventTypes []string `json:"event_types"`
	SendName   bool     `json:"send_name"`
	SendPhoto  bool     `json:"send_photo"`
}

// SetWebhook registers url as the bot's webhook with every event type and
// the sender's name and photo. Viber checks the URL with a signed
// {"event":"webhook"} callback during the call, so the handler must be
// serving already.
func (c *Channel) SetWebhook(ctx context.Context, acct *parley.Account, url string) error {
	if !isHTTPURL(url) {
		return parley.Errorf(parley.EINVALID, "viber: webhook URL must be http(s)")
	}
	body := setWebhookBody{URL: url, EventTypes: EventTypes(), SendName: true, SendPhoto: true}
	return c.call(ctx, acct, "set_webhook", body, nil)
}

// AccountInfo calls get_account_info.
func (c *Channel) AccountInfo(ctx context.Context, acct *parley.Account) (*AccountInfo, error) {
	var info AccountInfo
	if err := c.call(ctx, acct, "get_account_info", struct{}{}, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// TestConnection calls get_account_info: status 2 means a bad token; a
// bot id other than the account's PageID (when set) is a wrong token too.
func (c *Channel) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	info, err := c.AccountInfo(ctx, acct)
	if err != nil {
		return failedConnection(err), nil
	}
	if acct.HasPlatformID() && info.ID != acct.PageID {
		return parley.ConnectionResult{Credentials: true, ID: info.ID, Name: info.Name,
			Reason: fmt.Sprintf("the token belongs to bot %s, not %s", info.ID, acct.PageID)}, nil
	}
	return parley.ConnectionResult{Valid: true, ID: info.ID, Name: info.Name}, nil
}

// failedConnection describes a failed get_account_info.
func failedConnection(err error) parley.ConnectionResult {
	var api *APIError
	if errors.As(err, &api) {
		return parley.ConnectionResult{Credentials: api.Status == StatusInvalidAuthToken,
			Reason: fmt.Sprintf("Viber: %s (status %d)", api.StatusMessage, api.Status)}
	}
	return parley.ConnectionResult{Reason: err.Error()}
}

// CheckHealth checks the token and the webhook registration: subscribed
// when the registered webhook equals Settings["webhook_url"] (when set) or
// is not empty. A wrong registration is repaired with SetWebhook when the
// expected URL is known.
func (c *Channel) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: c.now()}
	info, err := c.AccountInfo(ctx, acct)
	if err != nil {
		h.Error = failedConnection(err).Reason
		return h, nil
	}
	h.TokenOK, h.PageName = true, info.Name
	want := acct.Setting(SettingWebhookURL)
	h.Subscribed = info.Webhook != "" && (want == "" || info.Webhook == want)
	if h.Subscribed || want == "" {
		if !h.Subscribed {
			h.Error = "no webhook registered"
		}
		return h, nil
	}
	if err := c.SetWebhook(ctx, acct, want); err != nil {
		h.Error = fmt.Sprintf("webhook is %q, not %q; set_webhook failed: %v", info.Webhook, want, err)
		return h, nil
	}
	h.Subscribed, h.Resubscribed = true, true
	return h, nil
}

// CheckWebhook is the seam's webhook check: CheckHealth's registration
// part.
func (c *Channel) CheckWebhook(ctx context.Context, acct *parley.Account) (parley.WebhookStatus, error) {
	h, err := c.CheckHealth(ctx, acct)
	if err != nil {
		return parley.WebhookStatus{}, err
	}
	return parley.WebhookStatus{Registered: h.Subscribed, Repaired: h.Resubscribed, Reason: h.Error}, nil
}
