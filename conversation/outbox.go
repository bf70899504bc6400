package conversation

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycc/parley"
)

// maxAttempts bounds retries of a retryable failure before it is final.
const maxAttempts = 8

// ClaimLease is how long a claimed (sending) message belongs to the node
// that claimed it. Older claims were left by a stopped node and are failed
// (they may have gone out, so they are never resent). It is far longer than
// one Send API call may take.
const ClaimLease = 2 * time.Minute

// queueOutbound stores a message for delivery to the chat's customer and
// wakes the sender. The stored message is the outbox entry. An agent's
// message the messaging policy would refuse is refused here, before it is
// stored, so the agent knows at once.
func (s *Service) queueOutbound(ctx context.Context, chat *parley.Chat, m *parley.Message) (*parley.Message, error) {
	m.TenantID, m.ChatID, m.Direction, m.Status = chat.TenantID, chat.ID, parley.Outbound, parley.MsgPending
	if m.Kind == "" {
		m.Kind = parley.KindText
	}
	if m.Sender == parley.SenderAgent {
		if err := s.checkReach(ctx, chat, parley.SenderAgent); err != nil {
			return nil, err
		}
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

// deliverDue fails claims left by stopped nodes, then sends every due
// outbound message, chats in parallel, each chat's messages in order.
func (s *Service) deliverDue(ctx context.Context) error {
	if n, err := s.Store.FailInterrupted(ctx, s.Clock.Now().Add(-ClaimLease)); err != nil {
		return err
	} else if n > 0 {
		s.Logger.Warn("outbound messages whose sender stopped mid-send were marked failed", slog.Int("count", n))
	}
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
// outcome: sent, retry later, held (credential error), or failed for good.
func (s *Service) deliver(ctx context.Context, m *parley.Message) error {
	chat, err := s.Store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return err
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return s.finish(ctx, chat, m, s.Store.MarkFailed(ctx, m.ID, err.Error()))
	}
	out, err := s.outgoing(ctx, m)
	if err != nil {
		return s.finish(ctx, chat, m, s.Store.MarkFailed(ctx, m.ID, err.Error()))
	}
	out.Reach = ch.Reach(acct, cust, s.Clock.Now())
	if !out.Reach.Allows(m.Sender) {
		return s.finish(ctx, chat, m, s.Store.MarkFailed(ctx, m.ID, refusal(out.Reach, m.Sender)))
	}
	if err := s.limiter.wait(ctx, acct.ID); err != nil {
		return err // shutting down before sending: the claim lease expires and it is failed
	}
	// From here the send is finished and its outcome recorded even if the
	// node is shutting down (the HTTP client's timeout bounds it).
	// Abandoning it would leave the message claimed, holding back the
	// chat's later messages until the lease expires, and then failed
	// although the customer may well have received it.
	ctx = context.WithoutCancel(ctx)
	res, sendErr := ch.Send(ctx, acct, cust, out)
	now := s.Clock.Now()
	attempt := &parley.OutboundAttempt{MessageID: m.ID, Attempt: m.Attempts, At: now, ExternalID: res.ExternalID}
	if sendErr != nil {
		attempt.Error = sendErr.Error()
	}
	if err := s.Store.AddAttempt(ctx, attempt); err != nil {
		return err
	}
	return s.finish(ctx, chat, m, s.record(ctx, acct, m, res, sendErr, now))
}

// record stores the outcome of a send.
func (s *Service) record(ctx context.Context, acct *parley.Account, m *parley.Message, res parley.SendResult, sendErr error, now time.Time) error {
	se := asSendError(sendErr)
	switch {
	case sendErr == nil:
		return s.Store.MarkSent(ctx, m.ID, res.ExternalID, now)
	case se.Class == parley.SendCredentials:
		// Kept, not failed: it goes out once the token is fixed. Held
		// first, so whoever sees the account red sees the message held.
		err := s.Store.MarkRetry(ctx, m.ID, now, "held: the page's access token is invalid ("+se.Message+")")
		if err == nil {
			s.markAccountInactive(ctx, acct, se.Message)
		}
		return err
	case se.Class == parley.SendRetry && m.Attempts < maxAttempts:
		if se.RetryAfter > 0 {
			s.limiter.pause(acct.ID, se.RetryAfter)
		}
		return s.Store.MarkRetry(ctx, m.ID, now.Add(backoff(m.Attempts, se.RetryAfter)), sendErr.Error())
	}
	return s.Store.MarkFailed(ctx, m.ID, se.Message)
}

// asSendError reads a channel's failure; anything else is permanent.
func asSendError(err error) *parley.SendError {
	var se *parley.SendError
	if errors.As(err, &se) {
		return se
	}
	if err == nil {
		return nil
	}
	return &parley.SendError{Class: parley.SendPermanent, Message: err.Error(), Err: err}
}

// finish shows the message's new state in the desktop.
func (s *Service) finish(ctx context.Context, chat *parley.Chat, m *parley.Message, err error) error {
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
func backoff(attempt int, asked time.Duration) time.Duration {
	d := time.Second << min(attempt, 9)
	return max(min(d, 5*time.Minute), asked)
}

// markAccountInactive flips the account red after a token error; its
// outbound messages wait until the token works again.
func (s *Service) markAccountInactive(ctx context.Context, acct *parley.Account, reason string) {
	if !acct.Active && acct.StatusReason == reason {
		return
	}
	if err := s.Store.SetAccountStatus(ctx, acct.ID, false, reason); err != nil {
		s.Logger.Error("mark account inactive", slog.String("account", acct.Name), slog.Any("err", err))
		return
	}
	s.Logger.Warn("account marked inactive: token error", slog.String("account", acct.Name), slog.String("reason", reason))
}

// markAccountActive flips the account back after its token worked and
// wakes the outbox for the messages it held.
func (s *Service) markAccountActive(ctx context.Context, acct *parley.Account) error {
	if acct.Active {
		return nil
	}
	if err := s.Store.SetAccountStatus(ctx, acct.ID, true, ""); err != nil {
		return err
	}
	s.Logger.Info("account active again", slog.String("account", acct.Name))
	poke(s.outboxWake)
	return nil
}
