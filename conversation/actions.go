package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
)

// SenderAction shows the customer what the agent does: typing_on and
// typing_off while they type, mark_seen when they read the chat. It is sent
// in the background (a lost indicator is harmless) and only while the
// customer can be messaged.
func (s *Service) SenderAction(ctx context.Context, u *parley.User, chatID, action string) error {
	switch action {
	case parley.ActionTypingOn, parley.ActionTypingOff, parley.ActionMarkSeen:
	default:
		return parley.Errorf(parley.EINVALID, "action must be typing_on, typing_off or mark_seen")
	}
	chat, err := s.agentConnected(ctx, u, chatID)
	if err != nil {
		return err
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return err
	}
	reach := ch.Reach(acct, cust, s.Clock.Now())
	if !acct.Active || reach.State != parley.ReachOpen {
		return nil // nothing may be sent now; an indicator is not worth an error
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
		defer cancel()
		if err := s.outbox.accountLimiter(ch, acct.Type).wait(ctx, acct.ID); err != nil {
			return
		}
		_, err := ch.Send(ctx, acct, cust, &parley.Outgoing{Sender: parley.SenderAgent, Action: action, Reach: reach})
		if se := asSendError(err); se != nil && se.Class == parley.SendCredentials {
			s.status.red(ctx, acct, se.Message)
		}
		if err != nil {
			s.Logger.Warn("sender action", slog.String("action", action), slog.String("chat", chat.ID), slog.Any("err", err))
		}
	}()
	return nil
}

// ChannelInfo is what the desktop's customer panel shows about a chat's
// channel: whether the customer can be reached, who they are on the page,
// and their earlier chats.
type ChannelInfo struct {
	Channel string         `json:"channel"` // the account type (facebook, telegram, …)
	Reach   parley.Reach   `json:"reach"`
	Page    string         `json:"page"`
	PSID    string         `json:"psid"`
	Since   time.Time      `json:"customer_since"`
	Earlier []EarlierChat  `json:"earlier_chats"`
	Account AccountSummary `json:"account"`
}

// EarlierChat is one of the customer's previous chats.
type EarlierChat struct {
	ID        string    `json:"id"`
	State     string    `json:"state"`
	CreatedAt time.Time `json:"created_at"`
	Messages  int       `json:"messages"`
	Last      string    `json:"last,omitempty"`
}

// AccountSummary is the account's state as agents may see it.
type AccountSummary struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
	Reason string `json:"reason,omitempty"`
}

// Channel returns the channel information of a chat the user may see.
func (s *Service) Channel(ctx context.Context, u *parley.User, chatID string) (*ChannelInfo, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return nil, err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return nil, err
	}
	info := &ChannelInfo{Channel: acct.Type, Reach: ch.Reach(acct, cust, s.Clock.Now()), Page: acct.PageUsername, PSID: cust.ExternalID,
		Since: cust.CreatedAt, Earlier: []EarlierChat{}, Account: AccountSummary{Name: acct.Name, Active: acct.Active, Reason: acct.StatusReason}}
	if info.Page == "" {
		info.Page = acct.Name
	}
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: chat.TenantID, CustomerID: cust.ID, Limit: 20})
	if err != nil {
		return nil, err
	}
	for _, c := range chats {
		if c.ID == chat.ID {
			continue
		}
		e := EarlierChat{ID: c.ID, State: c.State, CreatedAt: c.CreatedAt}
		if msgs, err := s.Store.Messages(ctx, c.ID, 0); err == nil {
			e.Messages = len(msgs)
			if len(msgs) > 0 {
				e.Last = msgs[len(msgs)-1].Text
			}
		}
		info.Earlier = append(info.Earlier, e)
	}
	return info, nil
}
