package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// startScenario runs the scenario of the chat's entry from its first block.
func (s *Service) startScenario(ctx context.Context, chat *parley.Chat, acct *parley.Account, cust *parley.Customer, how *parley.InboundEntry) error {
	outside := ctx // no scenario step: what answerClosed sends goes out at once
	ctx = stepContext(ctx)
	entry, err := s.Store.EntryByAccount(ctx, acct.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		s.Logger.Warn("chat has no scenario entry; it waits unrouted", slog.String("account", acct.Name), slog.String("chat", chat.ID))
		return nil
	} else if err != nil {
		return err
	}
	latest, err := s.Store.LatestScenario(ctx, chat.TenantID, entry.ScenarioName)
	if err != nil {
		return err
	}
	sc, err := s.scenarios.get(ctx, chat.TenantID, entry.ScenarioName, latest.Version)
	if err != nil {
		return err
	}
	if !sc.ReadsHours() {
		open, _, svc, err := s.entryHours(ctx, chat.TenantID, entry, s.Clock.Now())
		if err != nil {
			return err
		}
		if !open {
			return s.answerClosed(outside, chat, svc)
		}
	}
	vars, err := s.startVars(ctx, chat, acct, cust, entry)
	if err != nil {
		return err
	}
	addEntryVars(vars, how)
	return s.engine.Start(ctx, chat, sc, vars)
}

// signal delivers sig to the chat's scenario. A chat not waiting for it
// ignores it.
func (s *Service) signal(ctx context.Context, chatID string, sig scenario.Signal) error {
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return err
	}
	return s.signalChat(ctx, chat, sig)
}

// signalChat is signal with the chat as its caller, holding it, has just
// read it.
func (s *Service) signalChat(ctx context.Context, chat *parley.Chat, sig scenario.Signal) error {
	ctx = stepContext(ctx)
	sc, err := s.scenarioOf(ctx, chat)
	if err != nil || sc == nil {
		return err
	}
	err = s.engine.Signal(ctx, chat, sc, sig)
	if errors.Is(err, scenario.ErrNotWaiting) {
		return nil
	}
	return err
}

// continueScenario runs a chat whose scenario stopped between two steps.
func (s *Service) continueScenario(ctx context.Context, chatID string) error {
	return s.withScenario(ctx, chatID, func(ctx context.Context, chat *parley.Chat, sc *scenario.Scenario) error {
		return s.engine.Continue(ctx, chat, sc)
	})
}

// withScenario takes the chat (lockChat) and, if it runs a scenario, calls
// fn with it as it is now, in a step context.
func (s *Service) withScenario(ctx context.Context, chatID string, fn func(context.Context, *parley.Chat, *scenario.Scenario) error) error {
	ctx = stepContext(ctx)
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return err
	}
	defer unlock()
	chat, sc, err := s.chatScenario(ctx, chatID)
	if err != nil || sc == nil {
		return err
	}
	return fn(ctx, chat, sc)
}

// stepContext keeps a shutdown from cutting a scenario step in half: the
// step's effects (a message queued) and the saved position that records
// them go together, so a graceful restart never repeats a step. Blocks
// that call out bound their own time.
//
// It also collects the bot messages the step queues (see queueOutbound):
// they are stored with the position the step leaves the chat in, in one
// transaction (saveScenario), so a crash never re-sends a prompt and never
// loses a wait.
func stepContext(ctx context.Context) context.Context {
	return context.WithValue(context.WithoutCancel(ctx), stepKey{}, &stepOutbox{})
}

type stepKey struct{}

// stepOutbox holds the bot messages of the scenario step under way.
type stepOutbox struct {
	mu   sync.Mutex
	msgs []*parley.Message
}

func (b *stepOutbox) add(m *parley.Message) {
	b.mu.Lock()
	b.msgs = append(b.msgs, m)
	b.mu.Unlock()
}

func (b *stepOutbox) take() []*parley.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	ms := b.msgs
	b.msgs = nil
	return ms
}

// stepOf returns the step under way in ctx, or nil.
func stepOf(ctx context.Context) *stepOutbox {
	b, _ := ctx.Value(stepKey{}).(*stepOutbox)
	return b
}

// chatScenario loads a chat and the scenario version it runs (nil if none).
func (s *Service) chatScenario(ctx context.Context, chatID string) (*parley.Chat, *scenario.Scenario, error) {
	chat, err := s.Store.Chat(ctx, chatID)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.scenarioOf(ctx, chat)
	return chat, sc, err
}

// scenarioOf is the scenario chat runs, nil if none.
func (s *Service) scenarioOf(ctx context.Context, chat *parley.Chat) (*scenario.Scenario, error) {
	if chat.Scenario.Name == "" || chat.Scenario.Block == "" {
		return nil, nil
	}
	return s.scenarios.get(ctx, chat.TenantID, chat.Scenario.Name, chat.Scenario.Version)
}

// saveScenario commits the step under way: the messages it queued and the
// chat's position, together (Store.SaveStep). Only then are the messages
// announced and the outbox woken.
func (s *Service) saveScenario(ctx context.Context, chat *parley.Chat) error {
	var msgs []*parley.Message
	if b := stepOf(ctx); b != nil {
		msgs = b.take()
	}
	step := &parley.ScenarioStep{ChatID: chat.ID, Position: chat.Scenario, Messages: msgs,
		Announce: messageAnnouncer(chat, "", parley.HookMessageCreated)} // the bot's: no agent
	if err := s.Store.SaveStep(ctx, step); err != nil {
		return err
	}
	if len(msgs) == 0 {
		return nil
	}
	if n := len(step.Events); n > 0 {
		s.announced(ctx, step.Events[n-1])
	}
	s.outbox.Wake()
	return nil
}

func (s *Service) loadScenario(ctx context.Context, tenant, name string, version int) (*scenario.Scenario, error) {
	v, err := s.Store.ScenarioAt(ctx, tenant, name, version)
	if err != nil {
		return nil, err
	}
	return scenario.Decode(v.Definition, v.Version)
}

// scenarioCache keeps compiled scenario versions; a version never changes.
type scenarioCache struct {
	mu   sync.Mutex
	m    map[string]*scenario.Scenario
	load func(ctx context.Context, tenant, name string, version int) (*scenario.Scenario, error)
}

func (c *scenarioCache) get(ctx context.Context, tenant, name string, version int) (*scenario.Scenario, error) {
	key := fmt.Sprintf("%s\x00%s\x00%d", tenant, name, version)
	c.mu.Lock()
	sc := c.m[key]
	c.mu.Unlock()
	if sc != nil {
		return sc, nil
	}
	sc, err := c.load(ctx, tenant, name, version)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*scenario.Scenario{}
	}
	c.m[key] = sc
	c.mu.Unlock()
	return sc, nil
}

// startVars are the variables a chat's scenario starts with: channel,
// customer and interaction fields.
func (s *Service) startVars(ctx context.Context, chat *parley.Chat, acct *parley.Account, cust *parley.Customer, entry *parley.ScenarioEntry) (map[string]string, error) {
	vars := map[string]string{
		"first_name": cust.FirstName, "last_name": cust.LastName, "customer_name": cust.DisplayName(),
		"psid": cust.ExternalID, "page_id": acct.PageID, "page_username": acct.PageUsername, "page_name": acct.Name,
		"channel": acct.Type, "chat_id": chat.ID, "entry": entry.Name, "returning_customer": "false",
	}
	if entry.ServiceID != "" {
		if svc, err := s.Store.Service(ctx, entry.ServiceID); err == nil {
			vars["service"] = svc.Name
		}
	}
	past, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: chat.TenantID, CustomerID: cust.ID, States: []string{parley.ChatClosed}, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(past) > 0 {
		vars["returning_customer"] = "true"
	}
	return vars, nil
}

// addEntryVars adds how the customer arrived: the ref of a link, ad or
// opt-in as $(ref), and answers given on the way in (a pre-chat form) under
// their own names, never replacing a variable Parley sets.
func addEntryVars(vars map[string]string, how *parley.InboundEntry) {
	if how == nil {
		return
	}
	if how.Ref != "" {
		vars["ref"] = how.Ref
	}
	for k, v := range how.Vars {
		if _, taken := vars[k]; !taken && varName(k) {
			vars[k] = v
		}
	}
}

// varName reports whether k can be a scenario variable's name.
func varName(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// runtime is what scenario blocks do, done through the service. It
// implements scenario.Environment.
type runtime struct{ s *Service }

func (r runtime) Send(ctx context.Context, chat *parley.Chat, text string) error {
	_, err := r.s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderBot, Text: text})
	return err
}

func (r runtime) Enqueue(ctx context.Context, chat *parley.Chat, service string, priority int) error {
	svc, err := r.s.Store.ServiceByName(ctx, chat.TenantID, service)
	if err != nil {
		return err
	}
	if err := r.s.Store.EnqueueChat(ctx, chat.ID, svc.ID, priority, r.s.Clock.Now()); err != nil {
		return err
	}
	chat.State, chat.ServiceID, chat.Priority = parley.ChatQueued, svc.ID, priority
	if err := r.s.emitChat(ctx, parley.EventChatUpdated, chat); err != nil {
		return err
	}
	poke(r.s.routeWake)
	return nil
}

func (r runtime) Close(ctx context.Context, chat *parley.Chat) error {
	if err := r.s.Store.CloseChat(ctx, chat.ID, r.s.Clock.Now()); err != nil {
		return err
	}
	agent := chat.AgentID
	chat.State, chat.AgentID = parley.ChatClosed, ""
	return r.s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventChatClosed, ChatID: chat.ID, AgentID: agent, Data: mustJSON(map[string]string{"chat_id": chat.ID}),
		Hook: parley.HookChatClosed})
}
