package conversation

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/telemetry"
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
	parties  partiesStore // store, with accounts read through the cache
	channels *parley.Channels
	clock    parley.Clock
	logger   *slog.Logger
	limiter  *rateLimiter // per account, when its channel names no pace or SendRate is set
	fixed    bool         // SendRate was set: limiter paces every account
	paceMu   sync.Mutex
	pacers   map[string]*rateLimiter // per chat, by channel type (parley.ChatPacer)
	accounts map[string]*rateLimiter // per account, by channel type (parley.AccountPacer)
	status   *accountStatus
	emit     func(context.Context, *parley.Chat, *parley.Message) error
	// statusEvent and announced are emit in two halves, for a status
	// stored with its event (RecordSent): the event's maker, and telling
	// of the stored event.
	statusEvent func(context.Context, *parley.Chat, *parley.Message) func(*parley.Message) *parley.Event
	announced   func(context.Context, *parley.Event)
	wake        chan struct{}
	every       time.Duration
	// checkedInterrupted is when deliverDue last looked for claims left
	// by stopped nodes; only its goroutine touches it.
	checkedInterrupted time.Time
}

// outboxStore is what the Outbox reads and writes.
type outboxStore interface {
	partiesStore
	Chat(ctx context.Context, id string) (*parley.Chat, error)
	Message(ctx context.Context, id string) (*parley.Message, error)
	File(ctx context.Context, id string) (*parley.File, error)
	ClaimOutbound(ctx context.Context, now time.Time, limit int) ([]*parley.Message, error)
	StartSend(ctx context.Context, id string, attempt int, at time.Time) error
	RecordSent(ctx context.Context, a *parley.OutboundAttempt, externalID string, announce func(*parley.Message) *parley.Event) (*parley.Event, error)
	MarkRetry(ctx context.Context, id string, next time.Time, errText string) error
	MarkFailed(ctx context.Context, id, errText string) error
	FailInterrupted(ctx context.Context, claimedBefore time.Time) (int, error)
	AddAttempt(ctx context.Context, a *parley.OutboundAttempt) error
	TakeReplyToken(ctx context.Context, customerID string, now time.Time) (string, error)
}

// Wake tells the outbox there is something to send.
func (s *Outbox) Wake() { poke(s.wake) }

// run delivers until ctx ends.
func (s *Outbox) run(ctx context.Context) {
	runWorker(ctx, s.logger, s.every, s.wake, s.deliverDue, "outbox")
}

// outboxParallel bounds the messages a node has in flight, claimed and
// not yet recorded (a chat has at most one). While sends are in flight
// the outbox claims again once outboxClaimAt places are free: a claim is
// a write transaction, so it takes messages in bunches rather than one
// per finished send.
const (
	outboxParallel = 64
	outboxClaimAt  = outboxParallel / 4
)

// deliverDue fails claims left by stopped nodes, then sends every due
// outbound message, chats in parallel, each chat's messages in order. It
// claims again as sends finish rather than waiting for a whole round, so
// one slow send holds up its own chat only; it returns when nothing is
// in flight and nothing more is due.
func (s *Outbox) deliverDue(ctx context.Context) error {
	if err := s.failInterrupted(ctx); err != nil {
		return err
	}
	done := make(chan struct{}, outboxParallel)
	inflight := 0
	defer func() {
		for ; inflight > 0; inflight-- {
			<-done
		}
	}()
	for {
		for finished := true; finished && inflight > 0; {
			select {
			case <-done:
				inflight--
			default:
				finished = false
			}
		}
		free := outboxParallel - inflight
		if inflight > 0 && free < outboxClaimAt {
			select {
			case <-done:
				inflight--
			case <-ctx.Done():
				return ctx.Err()
			}
			continue
		}
		msgs, err := s.store.ClaimOutbound(ctx, s.clock.Now(), free)
		if err != nil {
			return err
		}
		if len(msgs) == 0 && inflight == 0 {
			return nil
		}
		for _, m := range msgs {
			inflight++
			go func() {
				defer func() { done <- struct{}{} }()
				if err := s.deliver(ctx, m); err != nil && ctx.Err() == nil {
					s.logger.Error("deliver message", slog.String("message", m.ID), slog.Any("err", err))
				}
			}()
		}
		// Claim again once a send has finished (it may free its chat's
		// next message) or, when the claim took all that was due, once a
		// new message is stored.
		wake := s.wake
		if len(msgs) == free {
			wake = nil // more may be due already: wait for a free place only
		}
		select {
		case <-done:
			inflight--
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// interruptedEvery is how often deliverDue looks for claims left by
// stopped nodes. Those are at least ClaimLease old, so looking far more
// often than that finds nothing more; looking on every run (hundreds a
// second under load) cost two writes each.
const interruptedEvery = ClaimLease / 8

// failInterrupted fails or returns to pending the claims left by stopped
// nodes, at most once per interruptedEvery of the clock.
func (s *Outbox) failInterrupted(ctx context.Context) error {
	now := s.clock.Now()
	if !s.checkedInterrupted.IsZero() && now.Sub(s.checkedInterrupted) < interruptedEvery {
		return nil
	}
	n, err := s.store.FailInterrupted(ctx, now.Add(-ClaimLease))
	if err != nil {
		return err
	}
	s.checkedInterrupted = now
	if n > 0 {
		s.logger.Warn("outbound messages whose sender stopped mid-send were marked failed", slog.Int("count", n))
	}
	return nil
}

// deliver makes one attempt at sending a claimed message and records the
// outcome: sent, retry later, held (credential error), or failed for good.
func (s *Outbox) deliver(ctx context.Context, m *parley.Message) error {
	chat, err := s.store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	acct, cust, err := chatParties(ctx, s.parties, chat)
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
	if err := s.chatPace(ctx, ch, acct.Type, chat.ID); err != nil {
		return err // shutting down: the message is pending again
	}
	limiter := s.accountLimiter(ch, acct.Type)
	if err := limiter.wait(ctx, acct.ID); err != nil {
		// Shutting down before sending: nothing left, so the message is
		// simply pending again (a crash here leaves a claim that the
		// lease returns to pending too).
		if rerr := s.store.MarkRetry(context.WithoutCancel(ctx), m.ID, s.clock.Now(), m.Error); rerr != nil {
			return rerr
		}
		return err
	}
	// From here the send is finished and its outcome recorded even if the
	// node is shutting down (the HTTP client's timeout bounds it).
	// Abandoning it would leave the message claimed, holding back the
	// chat's later messages until the lease expires, and then failed
	// although the customer may well have received it.
	ctx = context.WithoutCancel(ctx)
	// The request may reach the platform from now on: recorded first, so
	// that only such a message is "may have been sent" after a crash.
	if err := s.store.StartSend(ctx, m.ID, m.Attempts, s.clock.Now()); parley.ErrorCode(err) == parley.ECONFLICT {
		return nil // the claim ran out and another node has the message
	} else if err != nil {
		return err // not begun: the lease returns it to pending
	}
	if rt, ok := ch.(parley.ReplyTokenUser); ok && rt.UsesReplyTokens() && out.Action == "" {
		// A reply token is for a message; taken (used up) only now that
		// the send begins, and only for a channel that answers with one.
		if out.ReplyToken, err = s.store.TakeReplyToken(ctx, cust.ID, s.clock.Now()); err != nil {
			s.logger.Warn("outbox: reply token", slog.String("customer", cust.ID), slog.Any("err", err))
		}
	}
	res, sendErr := ch.Send(ctx, acct, cust, out)
	now := s.clock.Now()
	attempt := &parley.OutboundAttempt{MessageID: m.ID, Attempt: m.Attempts, At: now, ExternalID: res.ExternalID}
	telemetry.Sends.WithLabelValues(acct.Type, sendResult(sendErr, m.Attempts)).Inc()
	if sendErr == nil {
		return s.recordSent(ctx, chat, m, attempt)
	}
	attempt.Error = sendErr.Error()
	if err := s.store.AddAttempt(ctx, attempt); err != nil {
		return err
	}
	return s.finish(ctx, chat, m, s.recordFailure(ctx, acct, limiter, m, sendErr, now))
}

// sendResult names the outcome of a send for parley_sends_total, as
// record decides it.
func sendResult(sendErr error, attempts int) string {
	se := asSendError(sendErr)
	switch {
	case sendErr == nil:
		return "sent"
	case se.Class == parley.SendCredentials:
		return "held"
	case mayHaveBeenSent(sendErr):
		return "maybe_sent"
	case se.Class == parley.SendRetry && attempts < maxAttempts:
		return "retry"
	}
	return "failed"
}

// recordFailure stores the outcome of a send that failed. One rule
// decides what may have been sent: a send whose request may have reached
// the platform without an answer (a timeout, a connection lost after the
// request went out) is failed as "may have been sent" and never retried,
// exactly like a send a crash interrupted (Store.FailInterrupted); only
// failures the platform answered, or that happened before the request
// left, are retried; a rate limit pauses the account on limiter, the one
// its sends wait on.
func (s *Outbox) recordFailure(ctx context.Context, acct *parley.Account, limiter *rateLimiter, m *parley.Message, sendErr error, now time.Time) error {
	se := asSendError(sendErr)
	switch {
	case mayHaveBeenSent(sendErr):
		return s.store.MarkFailed(ctx, m.ID, parley.MaybeSentPrefix+": "+se.Message+"; not retried so that the customer never gets it twice")
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
			limiter.pause(acct.ID, se.RetryAfter)
		}
		return s.store.MarkRetry(ctx, m.ID, now.Add(backoff(m.Attempts, se.RetryAfter)), sendErr.Error())
	}
	return s.store.MarkFailed(ctx, m.ID, se.Message)
}

// recordAttempts bounds how often recordSent tries to store a send that
// succeeded; recordPause is the first pause between tries (doubling).
const (
	recordAttempts = 6
	recordPause    = 50 * time.Millisecond
)

// recordSent stores that the message went out, with its attempt and the
// event that shows it sent, in one transaction. The customer has it, so it
// is recorded whatever happens: a platform id already stored for another
// message (platforms have reused ids) is dropped from the message (the
// attempt log keeps it), and a failing database is tried again, so the
// chat's next messages are not held back behind it and agents do not see
// it "sending".
func (s *Outbox) recordSent(ctx context.Context, chat *parley.Chat, m *parley.Message, attempt *parley.OutboundAttempt) error {
	announce := s.statusEvent(ctx, chat, m)
	externalID := attempt.ExternalID
	var err error
	pause := recordPause
	for try := 1; try <= recordAttempts; try++ {
		var e *parley.Event
		e, err = s.store.RecordSent(ctx, attempt, externalID, announce)
		switch parley.ErrorCode(err) {
		case "":
			s.announced(ctx, e)
			return nil
		case parley.ECONFLICT:
			s.logger.Warn("the platform's message id is already stored for another message; recorded as sent without it",
				slog.String("message", m.ID), slog.String("platform_id", externalID))
			externalID = ""
			continue
		case parley.ENOTFOUND:
			return err
		}
		s.logger.Warn("recording a sent message failed; trying again", slog.String("message", m.ID), slog.Int("try", try), slog.Any("err", err))
		time.Sleep(pause)
		pause *= 2
	}
	return err
}

// mayHaveBeenSent reports whether a failed send's request may have reached
// the platform: no answer came (a timeout) or the connection broke after
// the request went out. A failure to connect at all, or an answer from
// the platform (an error body), is not in doubt.
func mayHaveBeenSent(err error) bool {
	se := asSendError(err)
	if se == nil || se.Class != parley.SendRetry {
		return false // an answer the channel classified, or nothing sent
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	var dns *net.DNSError
	if errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
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
	// The outcome is stored; only showing it is left. Tried again like
	// recordSent, so that a database that fails for a moment does not
	// leave agents looking at a message still "sending".
	pause := recordPause
	for try := 1; ; try++ {
		var updated *parley.Message
		if updated, err = s.store.Message(ctx, m.ID); err == nil {
			err = s.emit(ctx, chat, updated)
		}
		if err == nil || !errors.Is(err, parley.ErrUnavailable) || try == recordAttempts {
			return err
		}
		time.Sleep(pause)
		pause *= 2
	}
}

// backoff grows exponentially from one second, capped at five minutes, and
// waits at least as long as the platform asked.
func backoff(attempt int, asked time.Duration) time.Duration {
	d := time.Second << min(attempt, 9)
	return max(min(d, 5*time.Minute), asked)
}

// accountLimiter is the limiter pacing an account of a channel type: the
// platform's own rate when the channel names one (parley.AccountPacer)
// and no SendRate was set, else the outbox's.
func (s *Outbox) accountLimiter(ch parley.Channel, typ string) *rateLimiter {
	p, ok := ch.(parley.AccountPacer)
	if !ok || s.fixed {
		return s.limiter
	}
	s.paceMu.Lock()
	defer s.paceMu.Unlock()
	l := s.accounts[typ]
	if l == nil {
		l = newRateLimiter(p.AccountPace())
		if s.accounts == nil {
			s.accounts = map[string]*rateLimiter{}
		}
		s.accounts[typ] = l
	}
	return l
}

// chatPace waits until the chat may receive another message, for channels
// whose platform limits a chat's rate. The pace is kept per node: a
// chat's messages go in order, one at a time, so they are rarely sent by
// two nodes within a second, and a platform's 429 pauses the account.
func (s *Outbox) chatPace(ctx context.Context, ch parley.Channel, typ, chatID string) error {
	p, ok := ch.(parley.ChatPacer)
	if !ok {
		return nil
	}
	s.paceMu.Lock()
	l := s.pacers[typ]
	if l == nil {
		rate, burst := p.ChatPace()
		l = newRateLimiter(rate, burst)
		if s.pacers == nil {
			s.pacers = map[string]*rateLimiter{}
		}
		s.pacers[typ] = l
	}
	s.paceMu.Unlock()
	return l.wait(ctx, chatID)
}
