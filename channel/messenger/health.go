package messenger

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/parleycc/parley"
)

// WebhookFields are the page webhook fields Parley subscribes to.
var WebhookFields = []string{"messages", "messaging_postbacks", "messaging_optins", "messaging_referrals",
	"message_deliveries", "message_reads", "message_echoes", "message_reactions"}

// callTimeout bounds a check's Graph call.
const callTimeout = 15 * time.Second

// TestConnection calls Graph's cheapest authenticated call (GET /me) with
// the page token and checks the token belongs to the page.
func (c *Channel) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	if acct.AccessToken == "" || acct.PageID == "" {
		return parley.ConnectionResult{Reason: "page id and page access token are required"}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	page, err := c.client(acct).Me(ctx, acct.AccessToken)
	res := parley.ConnectionResult{ID: page.ID, Name: page.Name}
	var ge *GraphError
	switch {
	case err == nil && !graphID(page.ID):
		// Only the Graph API's own answers are passed on, so the check
		// cannot be used to read other servers.
		return parley.ConnectionResult{Reason: notGraphReason(0)}, nil
	case errors.As(err, &ge):
		res.Reason, res.Credentials = graphErrorReason(ge), ge.Platform && ge.Class() == ClassToken
	case err != nil:
		res.Reason = unreachableReason(err)
	case page.ID != acct.PageID:
		res.Credentials = true
		res.Reason = fmt.Sprintf("the token belongs to page %s (%s), not to page %s", page.ID, page.Name, acct.PageID)
	default:
		res.Valid = true
	}
	return res, nil
}

// CheckWebhook reads the page's subscribed apps and subscribes again when
// Facebook dropped the subscription (it does after an hour of failed
// deliveries).
func (c *Channel) CheckWebhook(ctx context.Context, acct *parley.Account) (parley.WebhookStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	client := c.client(acct)
	apps, err := client.SubscribedApps(ctx, acct.AccessToken, acct.PageID)
	if err != nil {
		return parley.WebhookStatus{Reason: "cannot read the webhook subscription: " + graphReason(err)}, nil
	}
	if slices.ContainsFunc(apps, func(a SubscribedApp) bool { return slices.Contains(a.SubscribedFields, "messages") }) {
		return parley.WebhookStatus{Registered: true}, nil
	}
	if err := client.Subscribe(ctx, acct.AccessToken, acct.PageID, WebhookFields); err != nil {
		return parley.WebhookStatus{Reason: "the app is not subscribed to the page's webhook and subscribing failed: " + graphReason(err)}, nil
	}
	return parley.WebhookStatus{Registered: true, Repaired: true}, nil
}

// Profile reads the customer's name and picture (User Profile API).
func (c *Channel) Profile(ctx context.Context, acct *parley.Account, psid string) (*parley.Profile, error) {
	p, err := c.client(acct).Profile(ctx, acct.AccessToken, psid)
	if err != nil {
		return nil, err
	}
	return &parley.Profile{FirstName: p.FirstName, LastName: p.LastName, PictureURL: p.ProfilePic}, nil
}

func graphReason(err error) string {
	var ge *GraphError
	if errors.As(err, &ge) {
		return ge.Message
	}
	return err.Error()
}
