package parley

import (
	"strings"
	"time"
)

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

// Normalize lets the account's channel fill what the other fields say
// (AccountNormalizer), before the channel validates it.
func (a *Account) Normalize(ch Channel) {
	if n, ok := ch.(AccountNormalizer); ok {
		n.NormalizeAccount(a)
	}
}

// EnsurePageID gives an account whose platform has no id of its own one
// made from its tenant and name, since no two accounts of a type may share
// a page id. Call it after validation, which may require the real one.
func (a *Account) EnsurePageID() {
	if a.PageID == "" {
		a.PageID = LocalPageID(a.TenantID, a.Name)
	}
}

// localPrefix marks a page id Parley made up for an account whose
// platform gave none.
const localPrefix = "parley:"

// LocalPageID is the page id of an account whose platform gave none.
func LocalPageID(tenantID, name string) string { return localPrefix + tenantID + ":" + name }

// HasPlatformID reports whether the account's page id is the platform's
// own (and not one Parley made up), so a check may compare it.
func (a *Account) HasPlatformID() bool {
	return a.PageID != "" && !strings.HasPrefix(a.PageID, localPrefix)
}
