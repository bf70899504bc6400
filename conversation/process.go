package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

func (s *Service) processLoop(ctx context.Context) {
	s.worker(ctx, s.inboundWake, s.processPending, "inbound")
}

// Reading the inbound log: a batch at a time behind a cursor, with at
// most maxHeldInbound events queued in the lanes.
const (
	inboundBatch   = 200
	maxHeldInbound = 2000
)

// processPending handles stored events until none are left: different
// customers' events in parallel (inboundLanes), each customer's in the
// order they were stored.
//
// Nodes on one database take turns (Store.Leadership, "inbound"): the log
// has no claims, so two nodes reading it at once would handle the same
// event together and race to create its chat, and one customer's messages
// could be handled out of order. A node that finds the turn taken leaves
// the events to the holder, which reads the log until it is empty, or to
// its own next poll.
func (s *Service) processPending(ctx context.Context) error {
	ok, lost, release, err := s.Store.Leadership(ctx, "inbound")
	if err != nil || !ok {
		return err
	}
	defer release()
	lanes := newInboundLanes(s.InboundParallel, func(j *inboundJob) bool { return s.processJob(ctx, j) })
	defer lanes.wait() // before release: the turn is held while events are handled
	tick := time.NewTicker(s.PollInterval)
	defer tick.Stop()
	var after int64 // the highest id queued so far
	gaps := newInboundGaps()
	rescan, read := false, true
	for {
		select {
		case <-lost:
			lanes.stop()
			return nil
		default:
		}
		if ctx.Err() != nil {
			lanes.stop()
			return ctx.Err()
		}
		full := lanes.size() >= maxHeldInbound
		if read && !full {
			// Behind the cursor as a rule; from the start when idle or
			// on the poll tick, for ids that became visible out of order
			// (PostgreSQL assigns ids before commit) and events whose
			// processing could not be recorded.
			from, limit := after, inboundBatch
			if rescan || lanes.size() == 0 {
				from, limit = 0, inboundBatch+lanes.size()
			} else if gaps.open() {
				from, limit = gaps.from(after), inboundBatch+lanes.size()+gaps.count()
			}
			rescan = false
			done := lanes.reading()
			events, err := s.Store.PendingInbound(ctx, from, limit)
			if err != nil {
				done()
				lanes.stop()
				return err
			}
			gaps.saw(after, events, time.Now()) // wall time: how long a transaction has been open
			fresh := s.queueInbound(ctx, lanes, events, &after)
			done()
			if fresh > 0 && len(events) >= limit {
				continue // a full batch: more may be waiting
			}
			if lanes.size() == 0 && from == 0 {
				return nil
			}
		}
		// The log is read again when something new is stored (the
		// wake), on the tick, and when the lanes have room again after
		// being full; a finished event alone tells of nothing new, so
		// it costs no read. Once the lanes are empty the turn ends: the
		// next wake or tick starts a fresh read from the start.
		read = false
		select {
		case <-lanes.done:
			n := lanes.size()
			if n == 0 {
				return nil
			}
			read = full && n < maxHeldInbound
		case <-s.inboundWake:
			read = true
		case <-tick.C:
			rescan, read = true, true
			lanes.warm()
		case <-lost:
		case <-ctx.Done():
		}
	}
}

// queueInbound decodes events not yet queued and queues each in its
// customer's lane. It returns how many it queued.
func (s *Service) queueInbound(ctx context.Context, lanes *inboundLanes, events []*parley.InboundEvent, after *int64) int {
	fresh := 0
	for _, ev := range events {
		*after = max(*after, ev.ID)
		if lanes.holds(ev.ID) {
			continue
		}
		if lanes.add(s.decodeInbound(ctx, ev)) {
			fresh++
		}
	}
	return fresh
}

// decodeInbound reads what an event's processing needs; its account comes
// from the account cache.
func (s *Service) decodeInbound(ctx context.Context, ev *parley.InboundEvent) *inboundJob {
	j := &inboundJob{ev: ev}
	if ev.Kind == copyEventKind {
		j.copy = &copyJob{}
		if err := json.Unmarshal(ev.Payload, j.copy); err != nil {
			j.err = fmt.Errorf("attachment copy event: %w", err)
			return j
		}
	}
	acct, err := s.parties.Account(ctx, ev.AccountID)
	if err != nil {
		j.err = fmt.Errorf("account of inbound event: %w", err)
		return j
	}
	j.acct = acct
	if j.ch, j.err = s.channel(acct.Type); j.err != nil || j.copy != nil {
		return j
	}
	if j.in, j.err = j.ch.Decode(acct, ev); j.err != nil {
		j.err = fmt.Errorf("decode %s event: %w", acct.Type, j.err)
	}
	return j
}

// processJob handles one event and records that it was processed. An
// event that fails is recorded with its error, so it never blocks the
// ones after it; it stays in the log for an operator to look at. One
// the database could not take (parley.ErrUnavailable) is tried again a
// few times, then left pending and reported false, like one interrupted
// by shutdown: handling is idempotent (messages by platform id), so
// reading it again later loses nothing and shows nothing twice.
func (s *Service) processJob(ctx context.Context, j *inboundJob) bool {
	marks := &handledMarks{}
	ctx = context.WithValue(ctx, handledKey{}, marks)
	recorded := false
	defer func() {
		if !recorded {
			// Left pending, so handled again later (also after a
			// shutdown): its messages must then be taken for
			// redeliveries, as they were handled.
			s.writeHandled(context.WithoutCancel(ctx), marks.ids)
		}
	}()
	err := j.err
	switch {
	case err != nil:
	case j.copy != nil:
		err = s.retryUnavailable(ctx, func() error { return s.copyAttachments(ctx, j) })
	default:
		err = s.retryUnavailable(ctx, func() error { return s.processDecoded(ctx, j.acct, j.ch, j.in) })
	}
	if ctx.Err() != nil {
		return false
	}
	if errors.Is(err, parley.ErrUnavailable) {
		s.Logger.Warn("inbound event left pending for now", slog.Int64("event", j.ev.ID), slog.Any("err", err))
		return false
	}
	errText := ""
	if err != nil {
		s.Logger.Error("process inbound event", slog.Int64("event", j.ev.ID), slog.Any("err", err))
		errText = err.Error()
	}
	err = s.retryUnavailable(ctx, func() error {
		return s.Store.MarkInboundProcessed(ctx, j.ev.ID, s.Clock.Now(), errText, marks.ids...)
	})
	if err != nil {
		if ctx.Err() == nil {
			s.Logger.Warn("record inbound event processed", slog.Int64("event", j.ev.ID), slog.Any("err", err))
		}
		return false
	}
	recorded = true
	return true
}

// unavailableBackoff is how long processing waits before each new try of
// work the database could not take.
var unavailableBackoff = []time.Duration{100 * time.Millisecond, 400 * time.Millisecond, 1600 * time.Millisecond}

// retryUnavailable runs fn until it succeeds, fails for a reason other
// than parley.ErrUnavailable, or has been tried len(unavailableBackoff)+1
// times.
func (s *Service) retryUnavailable(ctx context.Context, fn func() error) error {
	err := fn()
	for _, wait := range unavailableBackoff {
		if !errors.Is(err, parley.ErrUnavailable) {
			return err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		err = fn()
	}
	return err
}

// processDecoded does what a decoded event means and acknowledges it to
// platforms that want that.
func (s *Service) processDecoded(ctx context.Context, acct *parley.Account, ch parley.Channel, in *parley.Incoming) error {
	if err := s.handle(ctx, acct, ch, in); err != nil {
		return err
	}
	if ack, ok := ch.(parley.Acknowledger); ok {
		if err := ack.Acknowledge(ctx, acct, in); err != nil {
			s.Logger.Warn("acknowledge event", slog.String("account", acct.Name), slog.Any("err", err))
		}
	}
	return nil
}

// handle does what an incoming event means for its chat.
func (s *Service) handle(ctx context.Context, acct *parley.Account, ch parley.Channel, in *parley.Incoming) error {
	switch in.Kind {
	case parley.InMessage, parley.InPostback:
		return s.customerMessage(ctx, acct, in, s.inboundMessage(ctx, acct, ch, in))
	case parley.InEntry:
		return s.entryEvent(ctx, acct, in)
	case parley.InDelivered:
		return s.receipt(ctx, acct, in, parley.MsgDelivered)
	case parley.InRead:
		return s.receipt(ctx, acct, in, parley.MsgRead)
	case parley.InEcho:
		return s.echo(ctx, acct, ch, in)
	default:
		return nil // reactions and unknown kinds: kept in the inbound log, ignored
	}
}

// customerMessage adds a customer's message to their open chat, starting a
// new chat (and its scenario) when they have none.
func (s *Service) customerMessage(ctx context.Context, acct *parley.Account, in *parley.Incoming, msg *parley.Message) error {
	cust, err := s.customer(ctx, acct, in)
	if err != nil {
		return err
	}
	// The customer's last message time (the platforms' reply windows)
	// moves with the message, in addInbound's transaction: a message
	// stored already moved it then.
	if err := s.Store.SetReplyToken(ctx, cust.ID, in.ReplyToken, in.ReplyBefore); err != nil {
		return err
	}
	chat, created, err := s.openChat(ctx, acct, cust, msg)
	var ended endedChatMessage
	if errors.As(err, &ended) {
		return s.markHandled(ctx, ended.msg) // too late to show it: its conversation is over
	} else if err != nil {
		return err
	}
	unlock, err := s.lockChat(ctx, chat.ID)
	if err != nil {
		return err
	}
	held := true
	defer func() {
		if held {
			unlock()
		}
	}()
	if chat, err = s.Store.Chat(ctx, chat.ID); err != nil { // as it is now that we hold it
		return err
	}
	// A chat whose scenario never started: new, or left by a node that
	// died between storing the first message and starting it (the event
	// is then handled again, by this or another node).
	unstarted := chat.State == parley.ChatBot && chat.Scenario.Name == ""
	if !created && !unstarted {
		// A customer asked for a survey score who writes about something
		// else starts a new conversation once the old one has ended.
		aside, err := s.surveySetAside(ctx, chat, msg)
		if err != nil {
			return err
		}
		if aside {
			if chat, err = s.Store.Chat(ctx, chat.ID); err != nil {
				return err
			}
			if chat.State == parley.ChatClosed {
				held = false
				unlock()
				return s.customerMessage(ctx, acct, in, msg)
			}
		}
	}
	msg.TenantID, msg.ChatID = chat.TenantID, chat.ID
	if err := s.pickNumbered(ctx, acct, chat, msg); err != nil {
		return err
	}
	if created || unstarted {
		// Repeated when a node died before the scenario started: the
		// event log is at least once, like the outgoing webhooks it feeds.
		if err := s.emitChat(ctx, parley.EventChatCreated, chat); err != nil {
			return err
		}
	}
	fresh, shown, err := s.addInbound(ctx, acct, chat, msg, true)
	if err != nil {
		return err
	}
	// Queued for a redelivery too: a crash may have come before it was.
	if err := s.queueCopies(ctx, acct, in, msg.Payload); err != nil {
		return err
	}
	if !fresh {
		if unstarted {
			return s.startScenario(ctx, chat, acct, cust, in.Entry)
		}
		return nil // a redelivery of a message we already have
	}
	if !shown {
		if err := s.emitMessage(ctx, chat, msg); err != nil {
			return err
		}
	}
	if err := s.giveToScenario(ctx, chat, acct, cust, in, msg, created || unstarted); err != nil {
		return err
	}
	return s.markHandled(ctx, msg)
}

// addInbound stores a message from the platform with the event that shows
// it. It reports whether the message still needs handling (given to the
// scenario) and whether it is shown: both true when it is new; fresh but
// not shown when it was stored by an earlier try of this event that the
// database cut short (msg is then the stored message, its event maybe
// lost); neither for a redelivery of a message already handled.
func (s *Service) addInbound(ctx context.Context, acct *parley.Account, chat *parley.Chat, msg *parley.Message, fromCustomer bool) (fresh, shown bool, err error) {
	// A platform's message (the customer's, or the page's own from
	// elsewhere) names no agent, so its view needs no read.
	announce := messageAnnouncer(chat, "", parley.HookMessageCreated)
	add := s.Store.AddMessageAnnounced
	if fromCustomer {
		add = s.Store.AddCustomerMessage // also the customer's last message time
	}
	e, err := add(ctx, msg, announce)
	if err == nil {
		s.announced(ctx, e)
		return true, true, nil
	}
	if parley.ErrorCode(err) != parley.ECONFLICT {
		return false, false, err
	}
	stored, err := s.Store.UnhandledMessage(ctx, acct.ID, msg.ExternalID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return false, false, nil
	} else if err != nil {
		return false, false, err
	}
	if stored.ChatID != chat.ID {
		// Its chat ended meanwhile (closed by a sweep or an agent): too
		// late to show it there.
		return false, false, s.markHandled(ctx, stored)
	}
	*msg = *stored
	return true, false, nil
}

// markHandled records that a message from the platform was shown and given
// to the scenario, so a later try of its event takes it for a redelivery.
// While an inbound event is processed, the mark is written with the
// event's processed mark (processJob), in one write instead of two: a
// lane waited for both before its next event, and under load each was a
// wait for the writer.
func (s *Service) markHandled(ctx context.Context, m *parley.Message) error {
	if m.ExternalID == "" {
		return nil // stored handled: nothing can find it again
	}
	if marks, ok := ctx.Value(handledKey{}).(*handledMarks); ok {
		marks.ids = append(marks.ids, m.ID)
		return nil
	}
	return s.Store.MarkMessageHandled(ctx, m.ID)
}

// handledMarks collects an inbound event's handled messages.
type handledMarks struct{ ids []string }

type handledKey struct{}

// writeHandled writes the handled marks of an event not recorded
// processed.
func (s *Service) writeHandled(ctx context.Context, ids []string) {
	for _, id := range ids {
		if err := s.Store.MarkMessageHandled(ctx, id); err != nil && ctx.Err() == nil {
			s.Logger.Warn("mark message handled", slog.String("message", id), slog.Any("err", err))
		}
	}
}

// giveToScenario starts the chat's scenario with its first message, or
// gives it the customer's input (or the survey its score).
func (s *Service) giveToScenario(ctx context.Context, chat *parley.Chat, acct *parley.Account, cust *parley.Customer, in *parley.Incoming, msg *parley.Message, start bool) error {
	if start {
		return s.startScenario(ctx, chat, acct, cust, in.Entry)
	}
	if handled, err := s.surveyAnswer(ctx, chat, msg); handled || err != nil {
		return err
	}
	sig := scenario.Signal{Kind: scenario.SigInput, Text: msg.Text}
	if msg.Kind == parley.KindQuickReply || msg.Kind == parley.KindPostback {
		sig.Payload = msg.Payload
	}
	return s.signalChat(ctx, chat, sig) // read under the chat's lock, unchanged since
}

// pickNumbered reads a customer's bare number as the choice it names in
// the chat's last message, where the channel showed the choices numbered:
// the message then carries that choice's payload, like a tap would.
func (s *Service) pickNumbered(ctx context.Context, acct *parley.Account, chat *parley.Chat, msg *parley.Message) error {
	ch, err := s.channel(acct.Type)
	if err != nil || msg.Kind != parley.KindText {
		return err
	}
	numberer, ok := ch.(parley.ChoiceNumberer)
	if !ok {
		return nil
	}
	if _, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(msg.Text), ".")); err != nil {
		return nil // not a number: no read needed
	}
	last, err := s.Store.LastMessage(ctx, chat.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	} else if err != nil {
		return fmt.Errorf("last message of chat %s: %w", chat.ID, err)
	}
	if last.Direction != parley.Outbound {
		return nil
	}
	if c, ok := parley.PickChoice(numberer.NumberedChoices(acct, replyOf(last)), msg.Text); ok {
		msg.Kind, msg.Payload = parley.KindQuickReply, c.Payload
		msg.Text = strings.TrimSpace(msg.Text) + " · " + c.Title
	}
	return nil
}

// entryEvent handles how a customer arrived (an opt-in, a referral link
// or ad, a follow): it is recorded in the customer's chat, starting one if
// needed, and its ref is the scenario's $(ref).
func (s *Service) entryEvent(ctx context.Context, acct *parley.Account, in *parley.Incoming) error {
	e := in.Entry
	if in.CustomerID == "" || e == nil {
		return nil // nobody to chat with yet
	}
	msg := &parley.Message{Direction: parley.Inbound, Sender: parley.SenderCustomer, Status: parley.MsgReceived, PlatformTime: in.At,
		Kind: parley.KindReferral, Text: e.Text}
	switch e.Kind {
	case "optin":
		msg.Kind, msg.Payload = parley.KindOptin, string(mustJSON(map[string]string{"ref": e.Ref, "type": e.Type}))
	default:
		msg.Payload = string(mustJSON(map[string]string{"ref": e.Ref, "source": e.Source, "type": e.Type, "ad_id": e.AdID}))
	}
	if msg.Text == "" {
		msg.Text = "Started the conversation"
	}
	// Redeliveries are caught by the inbound log's dedup key; the message
	// itself has no platform id.
	return s.customerMessage(ctx, acct, in, msg)
}

// receipt applies a delivery or read receipt to our outbound messages.
func (s *Service) receipt(ctx context.Context, acct *parley.Account, in *parley.Incoming, status string) error {
	r := in.Receipt
	if in.CustomerID == "" || r == nil {
		return nil
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: in.CustomerID})
	if err != nil {
		return err
	}
	changed, err := s.Store.MarkReceipt(ctx, cust.ID, status, r.MessageIDs, r.Watermark)
	if err != nil {
		return err
	}
	for _, m := range changed {
		chat, err := s.Store.Chat(ctx, m.ChatID)
		if err != nil {
			return err
		}
		if err := s.emitMessageStatus(ctx, chat, m); err != nil {
			return err
		}
	}
	return nil
}

// echo records a message someone else sent as the business (Page Inbox,
// another app) in the customer's open chat. The channel already left out
// echoes of our own sends.
func (s *Service) echo(ctx context.Context, acct *parley.Account, ch parley.Channel, in *parley.Incoming) error {
	if in.CustomerID == "" {
		return nil
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: in.CustomerID})
	if err != nil {
		return err
	}
	chat, err := s.Store.OpenChat(ctx, cust.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil // no conversation to show it in; it stays in the inbound log
	} else if err != nil {
		return err
	}
	content := s.inboundMessage(ctx, acct, ch, in)
	msg := &parley.Message{TenantID: chat.TenantID, ChatID: chat.ID, Direction: parley.Outbound, Sender: parley.SenderPage,
		Kind: parley.KindEcho, Text: content.Text, Payload: content.Payload, ExternalID: in.MessageID, Status: parley.MsgSent,
		SentAt: in.At, PlatformTime: in.At}
	if msg.Text == "" {
		msg.Text = "[sent from the page]"
	}
	fresh, shown, err := s.addInbound(ctx, acct, chat, msg, false)
	if err != nil {
		return err
	}
	if err := s.queueCopies(ctx, acct, in, msg.Payload); err != nil {
		return err
	}
	if !fresh {
		return nil // our own send, or a redelivery
	}
	if !shown {
		if err := s.emitMessage(ctx, chat, msg); err != nil {
			return err
		}
	}
	return s.markHandled(ctx, msg)
}

// endedChatMessage is openChat's answer for a message stored already in
// a chat that has ended since.
type endedChatMessage struct{ msg *parley.Message }

func (e endedChatMessage) Error() string {
	return "message " + e.msg.ExternalID + " belongs to chat " + e.msg.ChatID + ", which has ended"
}

// openChat returns the customer's open chat or creates one for msg. A
// message stored already never starts a chat: its event is being handled
// again (its processed mark was cut short, or the reader raced its
// finish) after its own chat ended, and a new chat would greet the
// customer out of nowhere. openChat then answers endedChatMessage.
func (s *Service) openChat(ctx context.Context, acct *parley.Account, cust *parley.Customer, msg *parley.Message) (*parley.Chat, bool, error) {
	chat, err := s.Store.OpenChat(ctx, cust.ID)
	if err == nil {
		return chat, false, nil
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, false, err
	}
	if msg.ExternalID != "" {
		old, err := s.Store.MessageByExternalID(ctx, acct.ID, msg.ExternalID)
		if err == nil {
			return nil, false, endedChatMessage{old}
		} else if parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, false, err
		}
	}
	chat = &parley.Chat{TenantID: acct.TenantID, AccountID: acct.ID, CustomerID: cust.ID, State: parley.ChatBot}
	if entry, err := s.Store.EntryByAccount(ctx, acct.ID); err == nil {
		chat.EntryID, chat.ServiceID = entry.ID, entry.ServiceID
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, false, err
	}
	if err := s.Store.CreateChat(ctx, chat); err != nil {
		return nil, false, err
	}
	return chat, true, nil
}

// customer finds or creates the customer, taking their profile from the
// event when it carries one, else fetching it from the platform when it is
// new or stale. A failed fetch is not fatal: the chat goes on with a
// generic name and the fetch is retried next time.
func (s *Service) customer(ctx context.Context, acct *parley.Account, in *parley.Incoming) (*parley.Customer, error) {
	if in.CustomerID == "" {
		return nil, errors.New("event has no customer id")
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: in.CustomerID})
	if err != nil {
		return nil, err
	}
	if s.Clock.Now().Sub(cust.ProfileFetchedAt) < profileMaxAge {
		return cust, nil
	}
	p := in.Profile
	if p == nil {
		if p, err = s.fetchProfile(ctx, acct, in.CustomerID); err != nil {
			s.Logger.Warn("fetch customer profile", slog.String("account", acct.Name), slog.Any("err", err))
			return cust, nil
		}
	}
	now := s.Clock.Now()
	if err := s.Store.UpdateCustomerProfile(ctx, cust.ID, p.FirstName, p.LastName, p.PictureURL, now); err != nil {
		return nil, err
	}
	cust.FirstName, cust.LastName, cust.ProfilePic, cust.ProfileFetchedAt = p.FirstName, p.LastName, p.PictureURL, now
	return cust, nil
}

// fetchProfile asks the account's platform for a customer's profile, with
// a short timeout: a new customer's first message waits for it.
func (s *Service) fetchProfile(ctx context.Context, acct *parley.Account, externalID string) (*parley.Profile, error) {
	ch, err := s.channel(acct.Type)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return ch.Profile(ctx, acct, externalID)
}

// profileMaxAge is how long a fetched profile is trusted.
const profileMaxAge = 24 * time.Hour
