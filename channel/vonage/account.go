package vonage

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/parleycc/parley"
)

// Balance is the Account API's get-balance answer.
type Balance struct {
	Value      float64 `json:"value"`
	AutoReload bool    `json:"autoReload"`
}

// GetBalance calls GET /account/get-balance on the REST host with Basic
// api_key:api_secret.
func (c *Channel) GetBalance(ctx context.Context, acct *parley.Account) (*Balance, error) {
	var b Balance
	if err := c.do(ctx, http.MethodGet, restBaseURL(acct)+"/account/get-balance", basicAuth(acct), nil, &b); err != nil {
		return nil, fmt.Errorf("vonage: get balance: %w", err)
	}
	return &b, nil
}

// TestConnection checks the private key (when set) and calls get-balance:
// 401 or an unusable key means bad credentials.
func (c *Channel) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	if pk := acct.Setting(SettingPrivateKey); pk != "" {
		if _, err := ParsePrivateKey(pk); err != nil {
			return parley.ConnectionResult{Credentials: true, Reason: "private key: " + err.Error()}, nil
		}
	}
	if _, err := c.GetBalance(ctx, acct); err != nil {
		var api *APIError
		if errors.As(err, &api) {
			return parley.ConnectionResult{Credentials: api.StatusCode == http.StatusUnauthorized,
				Reason: fmt.Sprintf("Vonage: %s (HTTP %d)", api.Problem.reason(), api.StatusCode)}, nil
		}
		return parley.ConnectionResult{Reason: err.Error()}, nil
	}
	name := acct.Setting(SettingRoute) + " " + acct.Setting(SettingFrom)
	return parley.ConnectionResult{Valid: true, ID: acct.PageID, Name: name}, nil
}

// CheckHealth is TestConnection; the webhooks are set in the Vonage
// application, not by an API call of ours, so Subscribed is true.
func (c *Channel) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	r, err := c.TestConnection(ctx, acct)
	if err != nil {
		return nil, err
	}
	return &parley.AccountHealth{AccountID: acct.ID, CheckedAt: c.now(), TokenOK: r.Valid,
		Subscribed: true, PageName: r.Name, Error: r.Reason}, nil
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
