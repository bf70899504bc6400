package viber

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Type is the account type this channel serves.
const Type = "viber"

// DefaultBaseURL is the Viber bot API host.
const DefaultBaseURL = "https://chatapi.viber.com"

// Header names of the Viber API.
const (
	// AuthHeader carries the bot's auth token on every API call.
	AuthHeader = "X-Viber-Auth-Token"
	// SignatureHeader carries the webhook body's HMAC-SHA256 signature.
	SignatureHeader = "X-Viber-Content-Signature"
)

// Payload prefixes of keyboard buttons (see the package comment).
const (
	PostbackPrefix   = "pb:"
	QuickReplyPrefix = "qr:"
)

// Account settings keys.
const (
	SettingSenderName     = "sender_name"
	SettingSenderAvatar   = "sender_avatar"
	SettingWelcomeMessage = "welcome_message"
	SettingWebhookURL     = "webhook_url"
)

// MaxSenderName is the longest sender.name Viber accepts.
const MaxSenderName = 28

// defaultTimeout bounds each API call when New is given no client.
const defaultTimeout = 15 * time.Second

// Channel is the Viber channel. It is safe for concurrent use.
type Channel struct {
	hc  *http.Client
	now func() time.Time
}

var _ parley.Channel = (*Channel)(nil)

// New returns the channel calling Viber with httpClient; nil means a
// client with a 15-second timeout.
func New(httpClient *http.Client) *Channel {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Channel{hc: httpClient, now: time.Now}
}

// Type returns "viber".
func (c *Channel) Type() string { return Type }

// ValidateAccount reports the first missing or invalid field of a Viber
// account as an EINVALID error naming it.
func (c *Channel) ValidateAccount(a *parley.Account) error {
	if a == nil {
		return parley.Errorf(parley.EINVALID, "viber: account required")
	}
	name := a.Setting(SettingSenderName)
	switch {
	case a.AccessToken == "":
		return parley.Errorf(parley.EINVALID, "account %q: access_token (auth token) required", a.Name)
	case strings.TrimSpace(name) == "":
		return parley.Errorf(parley.EINVALID, "account %q: settings.sender_name required", a.Name)
	case utf8.RuneCountInString(name) > MaxSenderName:
		return parley.Errorf(parley.EINVALID, "account %q: settings.sender_name longer than %d characters", a.Name, MaxSenderName)
	case a.Setting(SettingSenderAvatar) != "" && !isHTTPURL(a.Setting(SettingSenderAvatar)):
		return parley.Errorf(parley.EINVALID, "account %q: settings.sender_avatar must be an http(s) URL", a.Name)
	case a.Setting(SettingWebhookURL) != "" && !isHTTPURL(a.Setting(SettingWebhookURL)):
		return parley.Errorf(parley.EINVALID, "account %q: settings.webhook_url must be an http(s) URL", a.Name)
	case utf8.RuneCountInString(a.Setting(SettingWelcomeMessage)) > MaxText:
		return parley.Errorf(parley.EINVALID, "account %q: settings.welcome_message longer than %d characters", a.Name, MaxText)
	}
	return nil
}

// baseURL is the account's API host.
func baseURL(a *parley.Account) string {
	if a.APIBaseURL != "" {
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultBaseURL
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}
