// Package webchat is Parley's own web chat widget as a channel: Parley is
// the platform. A visitor of a business's website gets a signed visitor
// token (HMAC-SHA256 with the account's app secret) and posts messages to
// the account's webhook URL with it; what Parley sends is simply the
// transcript the widget reads back, so sending calls nobody.
package webchat

import (
	"context"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Type is the account type of web chat accounts.
const Type = "webchat"

// VisitorHeader carries the visitor token on every visitor request.
const VisitorHeader = "X-Parley-Visitor"

// Channel is the web chat widget. The zero value is ready to use.
type Channel struct {
	// Now is the clock for token expiry and message times (nil: time.Now).
	Now func() time.Time
}

// New returns the web chat channel.
func New() *Channel { return &Channel{} }

// Type is "webchat".
func (c *Channel) Type() string { return Type }

func (c *Channel) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// ValidateAccount needs an app secret (it signs visitor tokens; any long
// random string) and origins in allowed_origins.
func (c *Channel) ValidateAccount(a *parley.Account) error {
	if a == nil {
		return parley.Errorf(parley.EINVALID, "webchat: account required")
	}
	if strings.TrimSpace(a.AppSecret) == "" {
		return parley.Errorf(parley.EINVALID, "account %q: app_secret: required (it signs visitor tokens; any long random string)", a.Name)
	}
	for _, o := range list(a.Setting(SettingAllowedOrigins)) {
		if !isOrigin(o) {
			return parley.Errorf(parley.EINVALID, "account %q: settings.allowed_origins: %q is not an origin (scheme://host[:port])", a.Name, o)
		}
	}
	return nil
}

// Reach is always open: the visitor reads the transcript whenever they come.
func (c *Channel) Reach(_ *parley.Account, cust *parley.Customer, _ time.Time) parley.Reach {
	return parley.Reach{State: parley.ReachOpen, LastCustomerMessage: cust.LastMessageAt}
}

// Send has nothing to call: the transcript in Parley's database is what
// the widget shows. The message's own id is its platform id.
func (c *Channel) Send(_ context.Context, _ *parley.Account, _ *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	return parley.SendResult{ExternalID: out.MessageID}, nil
}

// Download has nothing to fetch: visitors' files are stored by Parley
// when they are uploaded.
func (c *Channel) Download(context.Context, *parley.Account, *parley.InboundAttachment, int64) (*parley.File, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "web chat files are stored by Parley already")
}

// Profile has no platform to ask: the name comes with the visitor's
// messages (the pre-chat form).
func (c *Channel) Profile(context.Context, *parley.Account, string) (*parley.Profile, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "web chat visitors have no profile to fetch")
}

// TestConnection is valid when the account can sign visitor tokens.
func (c *Channel) TestConnection(_ context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	if acct.AppSecret == "" {
		return parley.ConnectionResult{Credentials: true, Reason: "the account has no app secret to sign visitor tokens"}, nil
	}
	title, _, _ := c.WidgetInfo(acct)
	return parley.ConnectionResult{Valid: true, ID: acct.ID, Name: title}, nil
}

// CheckWebhook is always registered: Parley is the platform.
func (c *Channel) CheckWebhook(context.Context, *parley.Account) (parley.WebhookStatus, error) {
	return parley.WebhookStatus{Registered: true}, nil
}

// NewVisitor starts a visitor: a new id and its token.
func (c *Channel) NewVisitor(acct *parley.Account) (id, token string, err error) {
	id = NewVisitorID()
	token, err = NewVisitorToken(acct.AppSecret, id, TokenTTL, c.now())
	return id, token, err
}

// RenewVisitor checks a visitor's token and returns its visitor id with a
// fresh token; EFORBIDDEN when the token is not valid.
func (c *Channel) RenewVisitor(acct *parley.Account, token string) (id, fresh string, err error) {
	if id, err = c.Visitor(acct, token); err != nil {
		return "", "", err
	}
	fresh, err = NewVisitorToken(acct.AppSecret, id, TokenTTL, c.now())
	return id, fresh, err
}

// Visitor returns the visitor id a token names; EFORBIDDEN when it is
// missing, forged or expired.
func (c *Channel) Visitor(acct *parley.Account, token string) (string, error) {
	id, err := ParseVisitorToken(acct.AppSecret, token, c.now())
	if err != nil {
		return "", parley.Errorf(parley.EFORBIDDEN, "%s is missing, not valid or expired", VisitorHeader)
	}
	return id, nil
}
