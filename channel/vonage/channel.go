package vonage

import (
	"net/http"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Type is the account type this channel serves.
const Type = "vonage"

// Platform hosts.
const (
	DefaultBaseURL     = "https://api.nexmo.com"
	DefaultRESTBaseURL = "https://rest.nexmo.com"
)

// Routes: the Messages API channel an account speaks.
const (
	RouteMessenger = "messenger"
	RouteViber     = "viber_service"
	RouteSMS       = "sms"
	RouteWhatsApp  = "whatsapp"
)

// Account settings keys.
const (
	SettingAPIKey        = "api_key"
	SettingApplicationID = "application_id"
	SettingPrivateKey    = "private_key"
	SettingRoute         = "route"
	SettingFrom          = "from"
	SettingRESTBaseURL   = "rest_base_url"
)

// defaultTimeout bounds each API call when New is given no client.
const defaultTimeout = 15 * time.Second

// Channel is the Vonage channel. It is safe for concurrent use.
type Channel struct {
	hc  *http.Client
	now func() time.Time
}

var _ parley.Channel = (*Channel)(nil)

// New returns the channel calling Vonage with httpClient; nil means a
// client with a 15-second timeout.
func New(httpClient *http.Client) *Channel {
	if httpClient == nil {
		httpClient = &http.Client{Timeout: defaultTimeout}
	}
	return &Channel{hc: httpClient, now: time.Now}
}

// Type returns "vonage".
func (c *Channel) Type() string { return Type }

// ValidateAccount reports the first missing or invalid field of a Vonage
// account as an EINVALID error naming it.
func (c *Channel) ValidateAccount(a *parley.Account) error {
	if a == nil {
		return parley.Errorf(parley.EINVALID, "vonage: account required")
	}
	if err := validateCredentials(a); err != nil {
		return err
	}
	from := a.Setting(SettingFrom)
	switch {
	case !validRoute(a.Setting(SettingRoute)):
		return parley.Errorf(parley.EINVALID, "account %q: settings.route must be messenger, viber_service, sms or whatsapp", a.Name)
	case from == "":
		return parley.Errorf(parley.EINVALID, "account %q: settings.from required", a.Name)
	case a.PageID == "":
		return parley.Errorf(parley.EINVALID, "account %q: page_id required (the from id)", a.Name)
	case a.PageID != from:
		return parley.Errorf(parley.EINVALID, "account %q: page_id must equal settings.from", a.Name)
	}
	return nil
}

// validateCredentials checks the keys and secrets.
func validateCredentials(a *parley.Account) error {
	switch {
	case a.Setting(SettingAPIKey) == "":
		return parley.Errorf(parley.EINVALID, "account %q: settings.api_key required", a.Name)
	case a.AppSecret == "":
		return parley.Errorf(parley.EINVALID, "account %q: app_secret (API secret) required", a.Name)
	case a.VerifyToken == "":
		return parley.Errorf(parley.EINVALID, "account %q: verify_token (signature secret) required", a.Name)
	case a.Setting(SettingPrivateKey) != "" && a.Setting(SettingApplicationID) == "":
		return parley.Errorf(parley.EINVALID, "account %q: settings.application_id required with a private key", a.Name)
	}
	if pk := a.Setting(SettingPrivateKey); pk != "" {
		if _, err := ParsePrivateKey(pk); err != nil {
			return parley.Errorf(parley.EINVALID, "account %q: settings.private_key: %v", a.Name, err)
		}
	}
	return nil
}

func validRoute(r string) bool {
	switch r {
	case RouteMessenger, RouteViber, RouteSMS, RouteWhatsApp:
		return true
	}
	return false
}

// baseURL is the Messages API host of the account.
func baseURL(a *parley.Account) string {
	if a.APIBaseURL != "" {
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultBaseURL
}

// restBaseURL is the Account API host of the account.
func restBaseURL(a *parley.Account) string {
	switch {
	case a.Setting(SettingRESTBaseURL) != "":
		return strings.TrimRight(a.Setting(SettingRESTBaseURL), "/")
	case a.APIBaseURL != "":
		return strings.TrimRight(a.APIBaseURL, "/")
	}
	return DefaultRESTBaseURL
}
