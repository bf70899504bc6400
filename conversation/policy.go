package conversation

import (
	"context"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// Messenger's messaging windows, counted from the customer's last message.
const (
	StandardWindow   = 24 * time.Hour
	HumanAgentWindow = 7 * 24 * time.Hour
)

// Reach states.
const (
	ReachOpen       = "open"        // inside the standard window: anyone may send
	ReachHumanAgent = "human_agent" // only an agent, with the HUMAN_AGENT tag
	ReachClosed     = "closed"      // nobody may send until the customer writes
)

// Reach says whether and how the customer can be messaged now.
type Reach struct {
	State string `json:"state"`
	// ExpiresAt is when the current state ends (the window closes).
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// LastCustomerMessage opens the windows.
	LastCustomerMessage time.Time `json:"last_customer_message,omitzero"`
	Reason              string    `json:"reason,omitempty"`
}

// reachOf applies the messaging policy to a customer of an account.
func reachOf(acct *parley.Account, cust *parley.Customer, now time.Time) Reach {
	last := cust.LastMessageAt
	r := Reach{LastCustomerMessage: last}
	switch {
	case last.IsZero():
		// No customer message recorded (a chat opened by other means): the
		// platform has the last word and its refusal is shown if it comes.
		r.State = ReachOpen
	case now.Before(last.Add(StandardWindow)):
		r.State, r.ExpiresAt = ReachOpen, last.Add(StandardWindow)
	case acct.HumanAgent && now.Before(last.Add(HumanAgentWindow)):
		r.State, r.ExpiresAt = ReachHumanAgent, last.Add(HumanAgentWindow)
		r.Reason = "Outside the 24-hour window: only agents can reply (HUMAN_AGENT tag) until the 7-day limit."
	case acct.HumanAgent:
		r.State, r.Reason = ReachClosed, "More than 7 days since the customer's last message: they cannot be messaged until they write again."
	default:
		r.State, r.Reason = ReachClosed, "More than 24 hours since the customer's last message and the page has no human agent permission: they cannot be messaged until they write again."
	}
	return r
}

// messagingFor picks the Send API messaging type and tag for a message by
// sender under reach, or explains why it may not go. Bot and scenario
// messages never carry a tag; retired tags are never produced.
func messagingFor(r Reach, sender string) (messagingType, tag, refusal string) {
	switch {
	case r.State == ReachOpen:
		return messenger.MessagingResponse, "", ""
	case r.State == ReachHumanAgent && sender == parley.SenderAgent:
		return messenger.MessagingTag, messenger.TagHumanAgent, ""
	case r.State == ReachHumanAgent:
		return "", "", "not sent: outside the 24-hour messaging window, where only human agents may write"
	}
	return "", "", "not sent: " + r.Reason
}

// ChatReach returns the reach of a chat's customer.
func (s *Service) ChatReach(ctx context.Context, chat *parley.Chat) (Reach, error) {
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return Reach{}, err
	}
	return reachOf(acct, cust, s.Clock.Now()), nil
}

// checkReach refuses, before anything is stored, a message the policy
// would not let through.
func (s *Service) checkReach(ctx context.Context, chat *parley.Chat, sender string) error {
	r, err := s.ChatReach(ctx, chat)
	if err != nil {
		return err
	}
	if _, _, refusal := messagingFor(r, sender); refusal != "" {
		return parley.Errorf(parley.ECONFLICT, "%s", r.Reason)
	}
	return nil
}

// chatParties loads the page account and the customer of a chat: who
// sends and who receives.
func (s *Service) chatParties(ctx context.Context, chat *parley.Chat) (*parley.Account, *parley.Customer, error) {
	acct, err := s.Store.Account(ctx, chat.AccountID)
	if err != nil {
		return nil, nil, err
	}
	cust, err := s.Store.Customer(ctx, chat.CustomerID)
	if err != nil {
		return nil, nil, err
	}
	return acct, cust, nil
}
