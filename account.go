package parley

import "time"

// Channel types an integration account can have.
const (
	ChannelFacebook = "facebook"
)

// Account is an integration account: the credentials Parley uses to receive
// and send on one messaging platform identity (for Facebook, one Page).
type Account struct {
	ID           string
	TenantID     string
	Name         string // unique per tenant; the key used in the config file
	Type         string // ChannelFacebook, …
	PageID       string
	PageUsername string
	AccessToken  string
	AppSecret    string
	VerifyToken  string
	APIBaseURL   string // empty means the platform's real API
	Active       bool   // false while the token is known to be invalid
	StatusReason string // why it is inactive, as the platform said it
	// HumanAgent: the page has the human agent permission, so agents may
	// answer with the HUMAN_AGENT tag up to 7 days after the customer's
	// last message (outside the 24-hour window).
	HumanAgent bool
	// Settings are the channel's own properties (a Viber sender name, a
	// Vonage application id, …), validated by the channel.
	Settings  map[string]string
	UpdatedAt time.Time
}

// Setting returns one of the account's channel settings ("" if unset).
func (a *Account) Setting(key string) string { return a.Settings[key] }

// Validate reports a missing name or type; the account's channel checks
// the rest (Channel.ValidateAccount).
func (a *Account) Validate() error {
	switch {
	case a.Name == "":
		return Errorf(EINVALID, "account name required")
	case a.Type == "":
		return Errorf(EINVALID, "account %q: type required", a.Name)
	}
	return nil
}
