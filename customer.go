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
