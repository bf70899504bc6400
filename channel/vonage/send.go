package vonage

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/parleycc/parley"
)

// MessengerWindow is Facebook's standard messaging window, which applies
// to the messenger route.
const MessengerWindow = 24 * time.Hour

// Reach applies Facebook's 24-hour window on the messenger route; other
// routes are open (their rules are enforced by the platform at delivery,
// reported as rejected statuses).
func (c *Channel) Reach(acct *parley.Account, cust *parley.Customer, now time.Time) parley.Reach {
	var last time.Time
	if cust != nil {
		last = cust.LastMessageAt
	}
	r := parley.Reach{State: parley.ReachOpen, LastCustomerMessage: last}
	if acct == nil || acct.Setting(SettingRoute) != RouteMessenger {
		return r
	}
	switch end := last.Add(MessengerWindow); {
	case last.IsZero():
		r.State, r.Reason = parley.ReachClosed, "the customer has not written on Messenger yet"
	case now.Before(end):
		r.ExpiresAt = end
	default:
		r.State, r.Reason = parley.ReachClosed, "Messenger's 24-hour window since the customer's last message has closed"
	}
	return r
}

// sendAnswer is the 202 answer of POST /v1/messages.
type sendAnswer struct {
	MessageUUID string `json:"message_uuid"`
}

// Send posts one reply as one or more /v1/messages calls (text parts, then
// attachments); sender actions are no-ops. ExternalID is the message_uuid
// of the last message.
func (c *Channel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	if out == nil || to == nil || acct == nil {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: "nothing to send"}
	}
	if out.Action != "" {
		return parley.SendResult{}, nil
	}
	if to.ExternalID == "" {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: "customer has no Vonage id"}
	}
	msgs, err := render(acct, to.ExternalID, out)
	if err != nil {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: parley.ErrorMessage(err), Err: err}
	}
	auth, err := c.messagesAuth(acct)
	if err != nil {
		return parley.SendResult{}, &parley.SendError{Class: parley.SendCredentials, Message: "Vonage application key is not usable", Err: err}
	}
	var res parley.SendResult
	for i := range msgs {
		var ans sendAnswer
		if err := c.do(ctx, http.MethodPost, baseURL(acct)+"/v1/messages", auth, &msgs[i], &ans); err != nil {
			return res, classify(fmt.Errorf("vonage: send part %d of %d: %w", i+1, len(msgs), err))
		}
		res.ExternalID = ans.MessageUUID
	}
	return res, nil
}

// Profile is not available through Vonage (WhatsApp's profile.name comes
// with the inbound message).
func (c *Channel) Profile(ctx context.Context, acct *parley.Account, externalID string) (*parley.Profile, error) {
	return nil, parley.Errorf(parley.ENOTFOUND, "vonage: no profile call; names arrive with the webhook")
}
