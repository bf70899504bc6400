package line

import (
	"net/http"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Type is the account type this channel serves.
const Type = "line"

// Default hosts: the API, and the data host serving message content.
const (
	DefaultAPIBaseURL  = "https://api.line.me"
	DefaultDataBaseURL = "https://api-data.line.me"
)

// Headers LINE uses.
const (
	SignatureHeader = "X-Line-Signature"
	RetryKeyHeader  = "X-Line-Retry-Key"
)

// SettingMenuText is the account setting holding the text of a buttons
// template when the reply's own text does not fit it; default
// DefaultMenuText.
const SettingMenuText = "menu_text"

// SettingWebhookURL is the account setting holding the webhook endpoint
// CheckHealth expects (and restores) when set.
const SettingWebhookURL = "webhook_url"

// DefaultMenuText is the buttons template text when the reply has none.
const DefaultMenuText = "Please choose:"

const defaultTimeout = 30 * time.Second

// Channel is the LINE channel. It is safe for concurrent use; one Channel
// serves every LINE account.
type Channel struct {
	hc *http.Client
}

// New returns a LINE channel calling the Messaging API with httpClient;
// nil means a client with a 30-second timeout.
func New(httpClient *http.Client) *Channel {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Channel{hc: httpClient}
}

// Type returns "line".
func (c *Channel) Type() string { return Type }

// ValidateAccount reports the first missing or invalid field of a LINE
// account: name, access_token (channel access token) and app_secret
// (channel secret, the webhook signature key).
func (c *Channel) ValidateAccount(a *parley.Account) error {
	switch {
	case a == nil:
		return parley.Errorf(parley.EINVALID, "line account required")
	case a.Name == "":
		return parley.Errorf(parley.EINVALID, "account name required")
	case a.Type != "" && a.Type != Type:
		return parley.Errorf(parley.EINVALID, "account %q: type %q is not %q", a.Name, a.Type, Type)
	case a.AccessToken == "":
		return parley.Errorf(parley.EINVALID, "account %q: access_token (channel access token) required", a.Name)
	case strings.ContainsAny(a.AccessToken, " \t\r\n"):
		return parley.Errorf(parley.EINVALID, "account %q: access_token must not contain spaces", a.Name)
	case a.AppSecret == "":
		return parley.Errorf(parley.EINVALID, "account %q: app_secret (channel secret) required", a.Name)
	}
	return nil
}

// apiBase is the API host for the account (APIBaseURL when set).
func apiBase(a *parley.Account) string {
	if a.APIBaseURL != "" {
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultAPIBaseURL
}

// dataBase is the content host for the account (APIBaseURL when set: a
// simulator serves both).
func dataBase(a *parley.Account) string {
	if a.APIBaseURL != "" {
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultDataBaseURL
}

func menuText(a *parley.Account) string {
	if t := a.Setting(SettingMenuText); t != "" {
		return t
	}
	return DefaultMenuText
}
