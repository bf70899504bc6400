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

// Outbox delivers stored outbound messages through their account's
// channel: each chat's messages in order, chats in parallel, paced per
// account, retried with backoff, held while the account's credentials
// fail, never sent twice.
type Outbox struct {
	store    outboxStore
	channels *parley.Channels
	clock    parley.Clock
	logger   *slog.Logger
	limiter  *rateLimiter
	status   *accountStatus
	emit     func(context.Context, *parley.Chat, *parley.Message) error
	wake     chan struct{}
	every    time.Duration
}

// outboxStore is what the Outbox reads and writes.
type outboxStore interface {
	partiesStore
	Chat(ctx context.Context, id string) (*parley.Chat, error)
	Message(ctx context.Context, id string) (*parley.Message, error)
	File(ctx context.Context, id string) (*parley.File, error)
	ClaimOutbound(ctx context.Context, now time.Time, limit int) ([]*parley.Message, error)
	MarkSent(ctx context.Context, id, externalID string, at time.Time) error
	MarkRetry(ctx context.Context, id string, next time.Time, errText string) error
	MarkFailed(ctx context.Context, id, errText string) error
	FailInterrupted(ctx context.Context, claimedBefore time.Time) (int, error)
	AddAttempt(ctx context.Context, a *parley.OutboundAttempt) error
}

// Wake tells the outbox there is something to send.
func (s *Outbox) Wake() { poke(s.wake) }

// run delivers until ctx ends.
func (s *Outbox) run(ctx context.Context) {
	runWorker(ctx, s.logger, s.every, s.wake, s.deliverDue, "outbox")
}

// deliverDue fails claims left by stopped nodes, then sends every due
// outbound message, chats in parallel, each chat's messages in order.
func (s *Outbox) deliverDue(ctx context.Context) error {
	if n, err := s.store.FailInterrupted(ctx, s.clock.Now().Add(-ClaimLease)); err != nil {
		return err
	} else if n > 0 {
		s.logger.Warn("outbound messages whose sender stopped mid-send were marked failed", slog.Int("count", n))
	}
	for {
		msgs, err := s.store.ClaimOutbound(ctx, s.clock.Now(), 32)
		if err != nil || len(msgs) == 0 {
			return err
		}
		var wg sync.WaitGroup
		for _, m := range msgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.deliver(ctx, m); err != nil && ctx.Err() == nil {
					s.logger.Error("deliver message", slog.String("message", m.ID), slog.Any("err", err))
				}
			}()
		}
		wg.Wait()
	}
}

// deliver makes one attempt at sending a claimed message and records the
// outcome: sent, retry later, held (credential error), or failed for good.
func (s *Outbox) deliver(ctx context.Context, m *parley.Message) error {
	chat, err := s.store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	acct, cust, err := chatParties(ctx, s.store, chat)
	if err != nil {
		return err
	}
	ch, err := s.channels.Get(acct.Type)
	if err != nil {
		return s.finish(ctx, chat, m, s.store.MarkFailed(ctx, m.ID, err.Error()))
	}
	out, err := s.outgoing(ctx, m)
	if err != nil {
		return s.finish(ctx, chat, m, s.store.MarkFailed(ctx, m.ID, err.Error()))
	}
	out.Reach = ch.Reach(acct, cust, s.clock.Now())
	if !out.Reach.Allows(m.Sender) {
		return s.finish(ctx, chat, m, s.store.MarkFailed(ctx, m.ID, refusal(out.Reach, m.Sender)))
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
	now := s.clock.Now()
	attempt := &parley.OutboundAttempt{MessageID: m.ID, Attempt: m.Attempts, At: now, ExternalID: res.ExternalID}
	if sendErr != nil {
		attempt.Error = sendErr.Error()
	}
	if err := s.store.AddAttempt(ctx, attempt); err != nil {
		return err
	}
	return s.finish(ctx, chat, m, s.record(ctx, acct, m, res, sendErr, now))
}

// record stores the outcome of a send.
func (s *Outbox) record(ctx context.Context, acct *parley.Account, m *parley.Message, res parley.SendResult, sendErr error, now time.Time) error {
	se := asSendError(sendErr)
	switch {
	case sendErr == nil:
		return s.store.MarkSent(ctx, m.ID, res.ExternalID, now)
	case se.Class == parley.SendCredentials:
		// Kept, not failed: it goes out once the token is fixed. Held
		// first, so whoever sees the account red sees the message held.
		err := s.store.MarkRetry(ctx, m.ID, now, "held: the page's access token is invalid ("+se.Message+")")
		if err == nil {
			s.status.red(ctx, acct, se.Message)
		}
		return err
	case se.Class == parley.SendRetry && m.Attempts < maxAttempts:
		if se.RetryAfter > 0 {
			s.limiter.pause(acct.ID, se.RetryAfter)
		}
		return s.store.MarkRetry(ctx, m.ID, now.Add(backoff(m.Attempts, se.RetryAfter)), sendErr.Error())
	}
	return s.store.MarkFailed(ctx, m.ID, se.Message)
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
func (s *Outbox) finish(ctx context.Context, chat *parley.Chat, m *parley.Message, err error) error {
	if err != nil {
		return err
	}
	updated, err := s.store.Message(ctx, m.ID)
	if err != nil {
		return err
	}
	return s.emit(ctx, chat, updated)
}

// backoff grows exponentially from one second, capped at five minutes, and
// waits at least as long as the platform asked.
func backoff(attempt int, asked time.Duration) time.Duration {
	d := time.Second << min(attempt, 9)
	return max(min(d, 5*time.Minute), asked)
}
