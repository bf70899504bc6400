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

// ClaimLease is how long a claimed (sending) message belongs to the node
// that claimed it. Older claims were left by a stopped node and are failed
// (they may have gone out, so they are never resent). It is far longer than
// one Send API call may take.
const ClaimLease = 2 * time.Minute

// metadataPrefix marks our own sends; their echoes are recognised by it.
const metadataPrefix = "parley:"

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
// outcome: sent, retry later, held (token error), or failed for good.
func (s *Service) deliver(ctx context.Context, m *parley.Message) error {
	chat, err := s.Store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	acct, cust, err := s.chatParties(ctx, chat)
	if err != nil {
		return err
	}
	mtype, tag, refusal := messagingFor(reachOf(acct, cust, s.Clock.Now()), m.Sender)
	if refusal != "" {
		return s.finish(ctx, chat, m, s.Store.MarkFailed(ctx, m.ID, refusal))
	}
	req := messenger.SendRequest{PSID: cust.ExternalID, MessagingType: mtype, Tag: tag}
	if m.Kind == parley.KindAction {
		req = messenger.SendRequest{PSID: cust.ExternalID, SenderAction: m.Text}
	} else {
		out, err := s.renderOutbound(ctx, m)
		if err != nil {
			return s.finish(ctx, chat, m, s.Store.MarkFailed(ctx, m.ID, err.Error()))
		}
		req.Message = out
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
	client := messenger.Client{BaseURL: acct.APIBaseURL, HTTPClient: s.HTTPClient}
	res, sendErr := client.Send(ctx, acct.AccessToken, req)
	now := s.Clock.Now()
	attempt := &parley.OutboundAttempt{MessageID: m.ID, Attempt: m.Attempts, At: now, ExternalID: res.MessageID}
	if sendErr != nil {
		attempt.Error = sendErr.Error()
	}
	if err := s.Store.AddAttempt(ctx, attempt); err != nil {
		return err
	}
	var ge *messenger.GraphError
	errors.As(sendErr, &ge)
	switch {
	case sendErr == nil:
		err = s.Store.MarkSent(ctx, m.ID, res.MessageID, now)
	case ge != nil && ge.Class() == messenger.ClassToken:
		// Kept, not failed: it goes out once the token is fixed. Held
		// first, so whoever sees the account red sees the message held.
		err = s.Store.MarkRetry(ctx, m.ID, now, "held: the page's access token is invalid ("+ge.Message+")")
		if err == nil {
			s.markAccountInactive(ctx, acct, ge.Message)
		}
	case messenger.Retryable(sendErr) && m.Attempts < maxAttempts:
		d := backoff(m.Attempts, sendErr)
		if ge != nil && ge.RetryAfter > 0 {
			s.limiter.pause(acct.ID, ge.RetryAfter)
		}
		err = s.Store.MarkRetry(ctx, m.ID, now.Add(d), sendErr.Error())
	default:
		err = s.Store.MarkFailed(ctx, m.ID, failureText(sendErr))
	}
	return s.finish(ctx, chat, m, err)
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

// failureText explains a permanent send failure to the agent.
func failureText(err error) string {
	var ge *messenger.GraphError
	if !errors.As(err, &ge) {
		return err.Error()
	}
	switch ge.Class() {
	case messenger.ClassUnreachable:
		return "The customer can't receive messages from the page (they may have blocked it or deleted their account): " + ge.Message
	case messenger.ClassOutsideWindow:
		return "Outside Messenger's messaging window: " + ge.Message
	}
	return ge.Message
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
