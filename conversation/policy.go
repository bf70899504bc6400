package conversation

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
)

// ChatReach returns whether and how a chat's customer can be messaged now,
// as the chat's channel says.
func (s *Service) ChatReach(ctx context.Context, chat *parley.Chat) (parley.Reach, error) {
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return parley.Reach{}, err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return parley.Reach{}, err
	}
	return ch.Reach(acct, cust, s.Clock.Now()), nil
}

// checkReach refuses, before anything is stored, a message the policy
// would not let through.
func (s *Service) checkReach(ctx context.Context, chat *parley.Chat, sender string) error {
	r, err := s.ChatReach(ctx, chat)
	if err != nil {
		return err
	}
	if !r.Allows(sender) {
		return parley.Errorf(parley.ECONFLICT, "%s", r.Reason)
	}
	return nil
}

// refusal explains why a message by sender may not go under r.
func refusal(r parley.Reach, sender string) string {
	if r.State == parley.ReachHumanAgent && sender != parley.SenderAgent {
		return "not sent: outside the 24-hour messaging window, where only human agents may write"
	}
	return "not sent: " + r.Reason
}

// partiesStore reads who sends and who receives.
type partiesStore interface {
	Account(ctx context.Context, id string) (*parley.Account, error)
	Customer(ctx context.Context, id string) (*parley.Customer, error)
}

// chatParties loads the account and the customer of a chat: who sends
// and who receives.
func (s *Service) chatParties(ctx context.Context, chat *parley.Chat) (*parley.Account, *parley.Customer, error) {
	return chatParties(ctx, s.parties, chat)
}

func chatParties(ctx context.Context, st partiesStore, chat *parley.Chat) (*parley.Account, *parley.Customer, error) {
	acct, err := st.Account(ctx, chat.AccountID)
	if err != nil {
		return nil, nil, fmt.Errorf("account of chat %s: %w", chat.ID, err)
	}
	cust, err := st.Customer(ctx, chat.CustomerID)
	if err != nil {
		return nil, nil, fmt.Errorf("customer of chat %s: %w", chat.ID, err)
	}
	return acct, cust, nil
}
