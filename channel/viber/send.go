package viber

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleycc/parley"
)

// sendAnswer is send_message's success answer.
type sendAnswer struct {
	MessageToken  json.Number `json:"message_token"`
	BillingStatus int         `json:"billing_status"`
}

// Reach is always open on Viber: a customer who unsubscribed fails at send
// time (status 6, SendUnreachable).
func (c *Channel) Reach(acct *parley.Account, cust *parley.Customer, now time.Time) parley.Reach {
	r := parley.Reach{State: parley.ReachOpen}
	if cust != nil {
		r.LastCustomerMessage = cust.LastMessageAt
	}
	return r
}

// Send delivers one reply as one or more send_message calls. Sender
// actions (typing, mark seen) do not exist on Viber and succeed as no-ops.
// ExternalID is the message_token of the last message sent.
func (c *Channel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	if out == nil || to == nil || acct == nil {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: "nothing to send"}
	}
	if out.Action != "" {
		return parley.SendResult{}, nil
	}
	if to.ExternalID == "" {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: "customer has no Viber id"}
	}
	msgs, err := render(acct, to.ExternalID, out)
	if err != nil {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: parley.ErrorMessage(err), Err: err}
	}
	var res parley.SendResult
	for i := range msgs {
		var ans sendAnswer
		if err := c.call(ctx, acct, "send_message", &msgs[i], &ans); err != nil {
			return res, classify(fmt.Errorf("part %d of %d: %w", i+1, len(msgs), err))
		}
		res.ExternalID = ans.MessageToken.String()
	}
	return res, nil
}

// Profile is not looked up: Viber sends the name and avatar with the
// callbacks (get_user_details allows 2 calls per 12 hours per user).
func (c *Channel) Profile(ctx context.Context, acct *parley.Account, externalID string) (*parley.Profile, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "viber: the profile arrives with the webhook")
}
