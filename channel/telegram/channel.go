package telegram

import (
	"net/http"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Type is the account type this channel serves.
const Type = "telegram"

// DefaultBaseURL is the Bot API host used when an account sets no
// APIBaseURL.
const DefaultBaseURL = "https://api.telegram.org"

// SecretHeader is the webhook header carrying the account's secret token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// SettingMenuText is the account setting holding the text sent with a
// keyboard when the reply has none (Telegram needs a text); default
// DefaultMenuText.
const SettingMenuText = "menu_text"

// SettingWebhookURL is the account setting holding the webhook URL
// CheckHealth expects (and restores) when set.
const SettingWebhookURL = "webhook_url"

// DefaultMenuText is the text carrying a keyboard when a reply has none.
const DefaultMenuText = "Please choose:"

// defaultTimeout bounds each Bot API call of a Channel made by New(nil).
const defaultTimeout = 30 * time.Second

// Channel is the Telegram channel. It is safe for concurrent use; one
// Channel serves every Telegram account.
type Channel struct {
	hc *http.Client
}

// New returns a Telegram channel calling the Bot API with httpClient; nil
// means a client with a 30-second timeout.
func New(httpClient *http.Client) *Channel {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Channel{hc: httpClient}
}

// Type returns "telegram".
func (c *Channel) Type() string { return Type }

// ValidateAccount reports the first missing or invalid field of a Telegram
// account: name, access_token (the bot token) and verify_token (the webhook
// secret_token, 1–256 characters of A-Z a-z 0-9 _ -).
func (c *Channel) ValidateAccount(a *parley.Account) error {
	switch {
	case a == nil:
		return parley.Errorf(parley.EINVALID, "telegram account required")
	case a.Name == "":
		return parley.Errorf(parley.EINVALID, "account name required")
	case a.Type != "" && a.Type != Type:
		return parley.Errorf(parley.EINVALID, "account %q: type %q is not %q", a.Name, a.Type, Type)
	case a.AccessToken == "":
		return parley.Errorf(parley.EINVALID, "account %q: access_token (bot token) required", a.Name)
	case strings.ContainsAny(a.AccessToken, "/?# \t\r\n"):
		return parley.Errorf(parley.EINVALID, "account %q: access_token is not a bot token", a.Name)
	case a.VerifyToken == "":
		return parley.Errorf(parley.EINVALID, "account %q: verify_token (webhook secret_token) required", a.Name)
	case !validSecret(a.VerifyToken):
		return parley.Errorf(parley.EINVALID, "account %q: verify_token must be 1-256 characters of A-Z a-z 0-9 _ -", a.Name)
	}
	return nil
}

// validSecret reports whether s is a secret_token Telegram accepts.
func validSecret(s string) bool {
	if len(s) < 1 || len(s) > 256 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// baseURL is the account's Bot API host without a trailing slash.
func baseURL(a *parley.Account) string {
	if a.APIBaseURL != "" {
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultBaseURL
}

// menuText is the text sent with a keyboard when the reply has none.
func menuText(a *parley.Account) string {
	if t := a.Setting(SettingMenuText); t != "" {
		return t
	}
	return DefaultMenuText
}

// NormalizeAccount takes the bot's id from its token ("<bot id>:<secret>")
// when the account names none.
func (c *Channel) NormalizeAccount(a *parley.Account) {
	if id, _, ok := strings.Cut(a.AccessToken, ":"); ok && a.PageID == "" && id != "" {
		a.PageID = id
	}
}
