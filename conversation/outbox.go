package conversation

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// maxAttempts bounds retries of a retryable failure before it is final.
const maxAttempts = 8

// queueOutbound stores a message for delivery to the chat's customer and
// wakes the sender. The stored message is the outbox entry.
func (s *Service) queueOutbound(ctx context.Context, chat *parley.Chat, m *parley.Message) (*parley.Message, error) {
	m.TenantID, m.ChatID, m.Direction, m.Status = chat.TenantID, chat.ID, parley.Outbound, parley.MsgPending
	if m.Kind == "" {
		m.Kind = parley.KindText
	}
	if err := s.Store.AddMessage(ctx, m); err != nil {
		return nil, err
	}
	if err := s.emitMessage(ctx, chat, m); err != nil {
		return nil, err
	}
	poke(s.outboxWake)
	return m, nil
}

func (s *Service) outboxLoop(ctx context.Context) {
	s.worker(ctx, s.outboxWake, s.deliverDue, "outbox")
}

// deliverDue sends every due outbound message, chats in parallel, each
// chat's messages in order.
func (s *Service) deliverDue(ctx context.Context) error {
	for {
		msgs, err := s.Store.ClaimOutbound(ctx, s.Clock.Now(), 32)
		if err != nil || len(msgs) == 0 {
			return err
		}
		var wg sync.WaitGroup
		for _, m := range msgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.deliver(ctx, m); err != nil && ctx.Err() == nil {
					s.Logger.Error("deliver message", slog.String("message", m.ID), slog.Any("err", err))
				}
			}()
		}
		wg.Wait()
	}
}

// deliver makes one attempt at sending a claimed message and records the
// outcome: sent, retry later, or failed for good.
func (s *Service) deliver(ctx context.Context, m *parley.Message) error {
	chat, err := s.Store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	acct, err := s.Store.Account(ctx, chat.AccountID)
	if err != nil {
		return err
	}
	cust, err := s.Store.Customer(ctx, chat.CustomerID)
	if err != nil {
		return err
	}
	client := messenger.Client{BaseURL: acct.APIBaseURL, HTTPClient: s.HTTPClient}
	res, sendErr := client.Send(ctx, acct.AccessToken, messenger.SendRequest{
		PSID: cust.ExternalID, MessagingType: "RESPONSE", Message: &messenger.OutMessage{Text: m.Text},
	})
	now := s.Clock.Now()
	attempt := &parley.OutboundAttempt{MessageID: m.ID, Attempt: m.Attempts, At: now, ExternalID: res.MessageID}
	if sendErr != nil {
		attempt.Error = sendErr.Error()
	}
	if err := s.Store.AddAttempt(ctx, attempt); err != nil {
		return err
	}
	switch {
	case sendErr == nil:
		err = s.Store.MarkSent(ctx, m.ID, res.MessageID, now)
	case ctx.Err() != nil:
		return ctx.Err() // shutting down: left sending, failed on restart
	case messenger.Retryable(sendErr) && m.Attempts < maxAttempts:
		err = s.Store.MarkRetry(ctx, m.ID, now.Add(backoff(m.Attempts, sendErr)), sendErr.Error())
	default:
		err = s.Store.MarkFailed(ctx, m.ID, sendErr.Error())
		s.markAccountOnTokenError(ctx, acct, sendErr)
	}
	if err != nil {
		return err
	}
	updated, err := s.Store.Message(ctx, m.ID)
	if err != nil {
		return err
	}
	return s.emitMessage(ctx, chat, updated)
}

// backoff grows exponentially from one second, capped at five minutes, and
// waits at least as long as the platform asked.
func backoff(attempt int, err error) time.Duration {
	d := time.Second << min(attempt, 9)
	d = min(d, 5*time.Minute)
	var ge *messenger.GraphError
	if errors.As(err, &ge) && ge.RetryAfter > d {
		d = ge.RetryAfter
	}
	return d
}

func (s *Service) markAccountOnTokenError(ctx context.Context, acct *parley.Account, err error) {
	var ge *messenger.GraphError
	if errors.As(err, &ge) && ge.Class() == messenger.ClassToken {
		if err := s.Store.SetAccountStatus(ctx, acct.ID, false, ge.Message); err != nil {
			s.Logger.Error("mark account inactive", slog.String("account", acct.Name), slog.Any("err", err))
		}
	}
}
