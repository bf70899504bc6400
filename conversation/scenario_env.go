package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

var _ scenario.Environment = runtime{}

// SendMessage queues a bot message whose quick replies and buttons travel
// as JSON in the message's Payload; a typing delay holds it back.
func (r runtime) SendMessage(ctx context.Context, chat *parley.Chat, m scenario.OutMessage) error {
	msg := &parley.Message{Sender: parley.SenderBot, Text: m.Text}
	if len(m.QuickReplies) > 0 || len(m.Buttons) > 0 || len(m.Cards) > 0 {
		data, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode message structure: %w", err)
		}
		msg.Payload = string(data)
	}
	if m.TypingDelay > 0 {
		// The customer sees the page typing while the delay runs: a
		// typing_on goes out first, through the outbox (so in order with
		// the chat's other messages), and the text once the delay is over.
		typing := &parley.Message{Sender: parley.SenderBot, Kind: parley.KindAction, Text: parley.ActionTypingOn}
		if _, err := r.s.queueOutbound(ctx, chat, typing); err != nil {
			return err
		}
		msg.NextAttemptAt = r.s.Clock.Now().Add(m.TypingDelay)
	}
	_, err := r.s.queueOutbound(ctx, chat, msg)
	return err
}

// Queue reports the named service's queue (the chat's own when empty).
func (r runtime) Queue(ctx context.Context, chat *parley.Chat, service string) (scenario.QueueInfo, error) {
	svcID := chat.ServiceID
	if service != "" {
		svc, err := r.s.Store.ServiceByName(ctx, chat.TenantID, service)
		if err != nil {
			return scenario.QueueInfo{}, err
		}
		svcID = svc.ID
	}
	if svcID == "" {
		return scenario.QueueInfo{}, nil
	}
	q, err := r.s.QueueStatus(ctx, chat.TenantID, svcID, chat.ID)
	if err != nil {
		return scenario.QueueInfo{}, err
	}
	return scenario.QueueInfo{Length: q.Length, Position: q.Position, AgentsLoggedIn: q.AgentsLoggedIn,
		AgentsReady: q.AgentsReady, EstimatedWait: q.EstimatedWait, MaxLength: q.MaxLength}, nil
}

// EnqueueFor queues the chat with its routing requirements. The required
// skills travel in the chat's variable required_skills, saved before the
// chat becomes visible to routing. A chat an agent has is released first
// (Send to Service as a transfer).
func (r runtime) EnqueueFor(ctx context.Context, chat *parley.Chat, q scenario.QueueRequest) error {
	if err := r.s.saveScenario(ctx, chat); err != nil {
		return err
	}
	if chat.State == parley.ChatAssigned {
		if err := r.s.Store.ReleaseChat(ctx, chat.ID, r.s.Clock.Now()); err != nil {
			return err
		}
		chat.State, chat.AgentID = parley.ChatBot, ""
	}
	if q.Service == "" {
		if chat.ServiceID == "" {
			return parley.Errorf(parley.EINVALID, "find agent: the chat has no service; name one in the block or the entry")
		}
		svc, err := r.s.Store.Service(ctx, chat.ServiceID)
		if err != nil {
			return err
		}
		q.Service = svc.Name
	}
	return r.Enqueue(ctx, chat, q.Service, q.Priority)
}

// Dequeue takes the chat out of its queue; false if routing was faster.
func (r runtime) Dequeue(ctx context.Context, chat *parley.Chat) (bool, error) {
	err := r.s.Store.DequeueChat(ctx, chat.ID, r.s.Clock.Now())
	if parley.ErrorCode(err) == parley.ECONFLICT {
		return false, nil
	} else if err != nil {
		return false, err
	}
	chat.State, chat.QueuedAt = parley.ChatBot, time.Time{}
	return true, r.s.emitChat(ctx, parley.EventChatUpdated, chat)
}

// AgentName is the username of the chat's agent.
func (r runtime) AgentName(ctx context.Context, chat *parley.Chat) (string, error) {
	c, err := r.s.Store.Chat(ctx, chat.ID)
	if err != nil || c.AgentID == "" {
		return "", err
	}
	chat.State, chat.AgentID = c.State, c.AgentID
	u, err := r.s.Store.User(ctx, c.AgentID)
	if err != nil {
		return "", err
	}
	return u.Username, nil
}

// Schedule checks the hours of the chat's entry (see entryHours).
func (r runtime) Schedule(ctx context.Context, chat *parley.Chat, now time.Time) (bool, time.Time, error) {
	if chat.EntryID == "" {
		return true, now, nil
	}
	entry, err := r.s.entryOf(ctx, chat)
	if err != nil || entry == nil {
		return true, now, err
	}
	open, local, _, err := r.s.entryHours(ctx, chat.TenantID, entry, now)
	return open, local, err
}

// entryOf finds the chat's scenario entry.
func (s *Service) entryOf(ctx context.Context, chat *parley.Chat) (*parley.ScenarioEntry, error) {
	entry, err := s.Store.EntryByAccount(ctx, chat.AccountID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil
	}
	return entry, err
}

// HTTPClient is the client of HTTP Request blocks.
func (r runtime) HTTPClient() *http.Client {
	return r.s.HTTPClient
}

// visibleVars are the variables an agent sees: all but the engine's own
// bookkeeping (names starting with an underscore).
func visibleVars(vars map[string]string) map[string]string {
	var out map[string]string
	for k, v := range vars {
		if strings.HasPrefix(k, "_") {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(vars))
		}
		out[k] = v
	}
	return out
}
