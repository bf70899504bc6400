package conversation

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/routing"
	"github.com/parleycc/parley/telemetry"
)

// A pass's decisions are committed together: the chats are held with one
// run-lease statement, the offers are one transaction and their events
// another, so a decision costs its own statements and not the
// transactions' and leases' round trips (BenchmarkLeaderCommit). The
// offers are still conditional each: one that no longer holds is refused
// alone (ECONFLICT) and the others commit.

// routeBatch bounds the decisions committed in one transaction, and so
// how long it holds their chats' and agents' rows (on PostgreSQL about
// 15 ms for 64 on two shared cores; 64 commit 10–30 % faster per
// decision than 16).
const routeBatch = 64

// commitBatch commits ds and returns the decisions that failed, with why.
// Decisions whose chat is busy here or on another node are committed one
// by one after the others, waiting their turn as commit does.
func (s *Service) commitBatch(ctx context.Context, tr *tenantRouter, ds []routing.Decision) map[string]error {
	failed := map[string]error{}
	held, busy, holds := s.holdChats(ctx, ds)
	if len(held) > 0 {
		if err := s.commitHeld(ctx, tr, held, holds, failed); err != nil {
			// The offers' transaction failed whole: nothing of it was
			// written, so each decision gets its own try below.
			s.Logger.Warn("routing batch", slog.Int("decisions", len(held)), slog.Any("err", err))
			busy = append(busy, held...)
		}
	}
	holds.releaseAll(ctx)
	for _, d := range busy {
		if err := s.commit(ctx, tr, d); err != nil {
			failed[d.ChatID] = err
		}
	}
	return failed
}

// chatHolds are the chats a batch holds: each locked in this process and
// its run lease claimed.
type chatHolds struct {
	s       *Service
	unlocks map[string]func()
}

// releaseAll lets go of every chat still held.
func (h *chatHolds) releaseAll(ctx context.Context) {
	var ids []string
	for id := range h.unlocks {
		ids = append(ids, id)
	}
	h.release(ctx, ids...)
}

// release lets go of the chats ids.
func (h *chatHolds) release(ctx context.Context, ids ...string) {
	if len(ids) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := h.s.Store.ReleaseChatRuns(ctx, ids, h.s.nodeID); err != nil {
		h.s.Logger.Warn("release chats", slog.Any("err", err)) // the leases run out on their own
	}
	for _, id := range ids {
		if unlock := h.unlocks[id]; unlock != nil {
			unlock()
			delete(h.unlocks, id)
		}
	}
}

// holdChats takes the chats of ds that nobody is working on, in this
// process and in the run leases; busy are the others.
func (s *Service) holdChats(ctx context.Context, ds []routing.Decision) (held, busy []routing.Decision, holds *chatHolds) {
	holds = &chatHolds{s: s, unlocks: map[string]func(){}}
	var locked []routing.Decision
	var ids []string
	for _, d := range ds {
		// A second decision of one chat finds it locked: it waits its turn.
		unlock, ok := s.chatLocks.tryLock(d.ChatID)
		if !ok {
			busy = append(busy, d)
			continue
		}
		holds.unlocks[d.ChatID] = unlock
		locked, ids = append(locked, d), append(ids, d.ChatID)
	}
	claimed, err := s.Store.ClaimChatRuns(ctx, ids, s.nodeID, chatRunLease)
	if err != nil {
		s.Logger.Warn("claim chats", slog.Any("err", err))
	}
	got := map[string]bool{}
	for _, id := range claimed {
		got[id] = true
	}
	for _, d := range locked {
		if got[d.ChatID] {
			held = append(held, d)
			continue
		}
		holds.unlocks[d.ChatID]()
		delete(holds.unlocks, d.ChatID)
		busy = append(busy, d)
	}
	return held, busy, holds
}

// commitHeld commits decisions whose chats this node holds: the offers in
// one transaction, then their events in one. It returns an error only
// when the offers' transaction failed whole; a decision that failed on its
// own is in failed.
func (s *Service) commitHeld(ctx context.Context, tr *tenantRouter, ds []routing.Decision, holds *chatHolds, failed map[string]error) error {
	whys := make(map[string][]byte, len(ds))
	reqs := make([]parley.OfferRequest, len(ds))
	for i, d := range ds {
		why, err := json.Marshal(d)
		if err != nil {
			return err
		}
		whys[d.ChatID] = why
		reqs[i] = parley.OfferRequest{Offer: offerOf(tr.tenant, d, why), Capacity: d.Capacity, Accept: d.Auto}
	}
	outcome, err := s.Store.OfferChats(ctx, reqs)
	if err != nil {
		return err
	}
	var made []routing.Decision
	var ids []string
	for i, d := range ds {
		if outcome[i] != nil {
			failed[d.ChatID] = outcome[i]
			continue
		}
		s.decided(d)
		made, ids = append(made, d), append(ids, d.ChatID)
	}
	chats, byID, err := s.viewChats(ctx, ids)
	if err != nil {
		for _, id := range ids {
			failed[id] = err
		}
		return nil
	}
	var events []*parley.Event
	var views []*ChatView
	var running []bool // the chat runs a scenario, which hears "agent found"
	for _, d := range made {
		v := byID[d.ChatID]
		if v == nil {
			failed[d.ChatID] = parley.Errorf(parley.ENOTFOUND, "chat %s or its customer is gone", d.ChatID)
			continue
		}
		chat := chats[d.ChatID]
		events = append(events, decisionEvent(d, chat, v, whys[d.ChatID]))
		views = append(views, v)
		running = append(running, chat.Scenario.Name != "" && chat.Scenario.Block != "")
	}
	if err := s.Store.AppendEvents(ctx, events); err != nil {
		for _, e := range events {
			failed[e.ChatID] = err
		}
		return nil
	}
	var signals []string // chats to tell "agent found", held till then
	for i, e := range events {
		s.publish(ctx, e)
		// The view has just read the participants of an assigned chat; a
		// queued one, offered, has none.
		if err := s.echoTo(ctx, e, views[i].Participants); err != nil {
			failed[e.ChatID] = err
			continue
		}
		if e.Type == parley.EventChatAssigned && running[i] {
			signals = append(signals, e.ChatID)
		}
	}
	// Scenario steps take their time (an HTTP Request block may wait
	// seconds): every other chat is let go first, and each of these after
	// its own step.
	var done []string
	for id := range holds.unlocks {
		if !slices.Contains(signals, id) {
			done = append(done, id)
		}
	}
	holds.release(ctx, done...)
	for _, id := range signals {
		if err := s.signal(ctx, id, scenarioAgentFound()); err != nil {
			failed[id] = err
		}
		holds.release(ctx, id)
	}
	return nil
}

// offerOf is the offer decision d makes.
func offerOf(tenant string, d routing.Decision, why []byte) *parley.Offer {
	return &parley.Offer{ChatID: d.ChatID, TenantID: tenant, AgentID: d.AgentID, ServiceID: d.ServiceID,
		OfferedAt: d.At, ExpiresAt: d.ExpiresAt, Decision: string(why)}
}

// decided counts and logs a committed decision.
func (s *Service) decided(d routing.Decision) {
	telemetry.Offers.Inc()
	s.Logger.Info("routing decision", slog.String("chat", d.ChatID), slog.String("agent", d.AgentName),
		slog.Int("priority", d.Priority), slog.Time("queued_at", d.QueuedAt), slog.Bool("auto", d.Auto), slog.String("why", d.Reason))
}

// decisionEvent is the event that tells of committed decision d, the chat
// assigned (auto-accept) or offered to its agent; v is the chat's view.
func decisionEvent(d routing.Decision, chat *parley.Chat, v *ChatView, why []byte) *parley.Event {
	if d.Auto {
		return chatEvent(parley.EventChatAssigned, chat, v)
	}
	return &parley.Event{TenantID: chat.TenantID, Type: parley.EventOfferCreated, ChatID: chat.ID, AgentID: d.AgentID,
		Data: mustJSON(OfferView{Chat: v, AgentID: d.AgentID, ExpiresAt: optTime(d.ExpiresAt), Reason: d.Reason, Decision: json.RawMessage(why)})}
}
