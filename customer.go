package parley

import "time"

// Customer is one person as seen through one integration account: for
// Facebook, a page-scoped id (PSID) on one page.
type Customer struct {
	ID               string
	TenantID         string
	AccountID        string
	ExternalID       string // PSID
	FirstName        string
	LastName         string
	ProfilePic       string
	ProfileFetchedAt time.Time // zero until the profile API answered
	LastMessageAt    time.Time // opens the platform's messaging window
	CreatedAt        time.Time
	// FollowUp is the customer's last answer to whether we may message
	// them about their case (parley.FollowUpYes, FollowUpNo; "" if never
	// asked).
	FollowUp string
}

// DisplayName is what agents see.
func (c *Customer) DisplayName() string {
	switch {
	case c.FirstName != "" && c.LastName != "":
		return c.FirstName + " " + c.LastName
	case c.FirstName != "":
		return c.FirstName
	}
	return "Customer"
}

// CustomerMatch is a customer found by a search, with whether a chat of
// theirs is open (a second one cannot be started).
type CustomerMatch struct {
	Customer *Customer
	OpenChat bool
}
