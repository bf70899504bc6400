package conversation

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
)

// ChatView is a chat as the web UI shows it, in REST answers and events.
type ChatView struct {
	ID          string       `json:"id"`
	State       string       `json:"state"`
	Customer    CustomerView `json:"customer"`
	Service     string       `json:"service"`
	AgentID     string       `json:"agent_id,omitempty"`
	AssignedAt  *time.Time   `json:"assigned_at,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	LastMessage *MessageView `json:"last_message"`
	// LastCustomerMessage is the customer's newest message (not an
	// event): what offers and chat lists preview, and where the
	// customer's wait starts. Nil when the customer wrote nothing yet.
	LastCustomerMessage *MessageView `json:"last_customer_message,omitempty"`
	// Vars are the scenario's variables (customer fields, collected
	// answers), shown to the agent; internal ones (starting with _) are left out.
	Vars map[string]string `json:"vars,omitempty"`
	// Participants are the conference guests (routing: transfer.go).
	Participants []string `json:"participants,omitempty"`
}

// CustomerView is the customer part of a ChatView.
type CustomerView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	ProfilePic string `json:"profile_pic,omitempty"`
}

// MessageView is a message as the web UI shows it.
type MessageView struct {
	ID        string    `json:"id"`
	ChatID    string    `json:"chat_id"`
	Seq       int64     `json:"seq"`
	Direction string    `json:"direction"`
	Sender    string    `json:"sender"`
	AgentID   string    `json:"agent_id,omitempty"`
	AgentName string    `json:"agent_name,omitempty"`
	Kind      string    `json:"kind"`
	Text      string    `json:"text"`
	Payload   string    `json:"payload,omitempty"` // kind-specific detail (JSON), see parley.Kind*
	Status    string    `json:"status"`
	Error     string    `json:"error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// ViewChat builds the view of a chat.
func (s *Service) ViewChat(ctx context.Context, c *parley.Chat) (*ChatView, error) {
	cust, err := s.Store.Customer(ctx, c.CustomerID)
	if err != nil {
		return nil, err
	}
	last, err := s.Store.LastMessage(ctx, c.ID)
	if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	var lastCustomer *parley.Message
	if needsLastCustomer(last) {
		lastCustomer, err = s.Store.LastMessageFrom(ctx, c.ID, parley.SenderCustomer, parley.KindEvent)
		if err != nil && parley.ErrorCode(err) != parley.ENOTFOUND {
			return nil, err
		}
	}
	var participants []string
	if c.State == parley.ChatAssigned {
		participants = s.participants(ctx, c.ID)
	}
	return s.chatView(ctx, c, cust, last, lastCustomer, participants, nil), nil
}

// serviceNames remembers services' names over a run of views, which
// would otherwise read the same few services again and again.
type serviceNames map[string]string

// viewChats is ViewChat of several chats with a few statements for them
// all; a chat gone from the database has no view.
func (s *Service) viewChats(ctx context.Context, ids []string) (map[string]*parley.Chat, map[string]*ChatView, error) {
	chats, err := s.Store.ChatsByID(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var customerIDs []string
	for _, c := range chats {
		customerIDs = append(customerIDs, c.CustomerID)
	}
	customers, err := s.Store.CustomersByID(ctx, customerIDs)
	if err != nil {
		return nil, nil, err
	}
	lasts, err := s.Store.LastMessages(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var need []string
	for id, m := range lasts {
		if needsLastCustomer(m) {
			need = append(need, id)
		}
	}
	lastCustomers, err := s.Store.LastMessagesFrom(ctx, need, parley.SenderCustomer, parley.KindEvent)
	if err != nil {
		return nil, nil, err
	}
	var assigned []string
	for id, c := range chats {
		if c.State == parley.ChatAssigned {
			assigned = append(assigned, id)
		}
	}
	guests, err := s.Store.ChatParticipants(ctx, assigned)
	if err != nil {
		return nil, nil, err
	}
	views := make(map[string]*ChatView, len(chats))
	names := serviceNames{}
	for id, c := range chats {
		if cust := customers[c.CustomerID]; cust != nil {
			views[id] = s.chatView(ctx, c, cust, lasts[id], lastCustomers[id], guests[id], names)
		}
	}
	return chats, views, nil
}

// needsLastCustomer tells whether a chat whose newest message is last
// needs its newest customer message read too.
func needsLastCustomer(last *parley.Message) bool {
	return last != nil && (last.Sender != parley.SenderCustomer || last.Kind == parley.KindEvent)
}

// chatView assembles a chat's view from what was read of it; last and
// lastCustomer may be nil, participants are an assigned chat's guests.
func (s *Service) chatView(ctx context.Context, c *parley.Chat, cust *parley.Customer, last, lastCustomer *parley.Message, participants []string, names serviceNames) *ChatView {
	v := &ChatView{ID: c.ID, State: c.State, AgentID: c.AgentID, CreatedAt: c.CreatedAt, Vars: visibleVars(c.Scenario.Vars), Participants: participants}
	if !c.AssignedAt.IsZero() {
		t := c.AssignedAt
		v.AssignedAt = &t
	}
	v.Customer = CustomerView{ID: cust.ID, Name: cust.DisplayName(), ProfilePic: cust.ProfilePic}
	if name, ok := names[c.ServiceID]; ok {
		v.Service = name
	} else if c.ServiceID != "" {
		if svc, err := s.Store.Service(ctx, c.ServiceID); err == nil {
			v.Service = svc.Name
			if names != nil {
				names[c.ServiceID] = svc.Name
			}
		}
	}
	if last != nil {
		v.LastMessage = s.ViewMessage(ctx, last)
		if !needsLastCustomer(last) {
			v.LastCustomerMessage = v.LastMessage
		}
	}
	if lastCustomer != nil {
		v.LastCustomerMessage = messageView(lastCustomer)
	}
	return v
}

// ViewMessage builds the view of a message.
func (s *Service) ViewMessage(ctx context.Context, m *parley.Message) *MessageView {
	return s.ViewMessages(ctx, []*parley.Message{m})[0]
}

// ViewMessages builds the views of ms, reading each agent's name once: a
// transcript names the same few agents on many messages.
func (s *Service) ViewMessages(ctx context.Context, ms []*parley.Message) []*MessageView {
	names := map[string]string{}
	out := make([]*MessageView, len(ms))
	for i, m := range ms {
		v := messageView(m)
		if m.AgentID != "" {
			name, ok := names[m.AgentID]
			if !ok {
				name = s.userName(ctx, m.AgentID)
				names[m.AgentID] = name
			}
			v.AgentName = name
		}
		out[i] = v
	}
	return out
}

// messageView is a message's view without the agent's name.
func messageView(m *parley.Message) *MessageView {
	return &MessageView{ID: m.ID, ChatID: m.ChatID, Seq: m.Seq, Direction: m.Direction, Sender: m.Sender, AgentID: m.AgentID,
		Kind: m.Kind, Text: m.Text, Payload: m.Payload, Status: m.Status, Error: m.Error, CreatedAt: m.CreatedAt}
}

// emit stores e, with its copies for the chat's conference guests, and
// tells of it.
func (s *Service) emit(ctx context.Context, e *parley.Event) error {
	if err := s.Store.AppendChatEvent(ctx, e); err != nil {
		return err
	}
	s.announced(ctx, e)
	return nil
}

// publish tells the other nodes of a stored event. It is only a nudge:
// every reader also polls the event log, so a bus that is down makes
// them slower, not wrong, and the work that stored the event goes on.
func (s *Service) publish(ctx context.Context, e *parley.Event) {
	if err := s.Bus.Publish(ctx, e.TenantID, e.ID); err != nil {
		s.Logger.Warn("publish event on the bus", slog.Int64("event", e.ID), slog.Any("err", err))
	}
}

func (s *Service) emitChat(ctx context.Context, typ string, c *parley.Chat) error {
	v, err := s.ViewChat(ctx, c)
	if err != nil {
		return err
	}
	return s.emit(ctx, chatEvent(typ, c, v))
}

// chatEvent is an event of type typ showing the chat as v.
func chatEvent(typ string, c *parley.Chat, v *ChatView) *parley.Event {
	return &parley.Event{TenantID: c.TenantID, Type: typ, ChatID: c.ID, AgentID: c.AgentID, Data: mustJSON(v), Hook: chatHooks[typ]}
}

// chatHooks are the public names of chat events emitted by emitChat.
var chatHooks = map[string]string{
	parley.EventChatCreated:  parley.HookChatCreated,
	parley.EventChatAssigned: parley.HookChatAssigned,
}

// emitMessage shows a new message.
func (s *Service) emitMessage(ctx context.Context, c *parley.Chat, m *parley.Message) error {
	return s.emit(ctx, messageEvent(c, s.ViewMessage(ctx, m), parley.HookMessageCreated))
}

// messageEvent is the event that shows chat c's message as v: new
// (HookMessageCreated) or with a new status (HookMessageUpdated).
func messageEvent(c *parley.Chat, v *MessageView, hook string) *parley.Event {
	return &parley.Event{TenantID: c.TenantID, Type: parley.EventMessage, ChatID: c.ID, AgentID: c.AgentID, Data: mustJSON(v),
		Hook: hook}
}

// messageAnnouncer makes messageEvent for a store that writes the event
// with the message (Store.AddMessageAnnounced, SaveStep, RecordSent). The
// agent's name ("" for none) is read beforehand, outside the store's
// transaction.
func messageAnnouncer(c *parley.Chat, agentName, hook string) func(*parley.Message) *parley.Event {
	return func(m *parley.Message) *parley.Event {
		v := messageView(m)
		v.AgentName = agentName
		return messageEvent(c, v, hook)
	}
}

// announced tells of an event stored with the change it shows (such as
// Store.AddMessageAnnounced): what emit does after storing one. The store
// stored the guests' copies with it (Event.Copies), so the last id it
// stored is the one to tell.
func (s *Service) announced(ctx context.Context, e *parley.Event) {
	if e == nil {
		return
	}
	last := e
	if n := len(e.Copies); n > 0 {
		last = e.Copies[n-1]
	}
	s.publish(ctx, last)
}

// emitMessageStatus shows a message's new delivery status (sent,
// delivered, read, failed).
func (s *Service) emitMessageStatus(ctx context.Context, c *parley.Chat, m *parley.Message) error {
	return s.emit(ctx, messageEvent(c, s.ViewMessage(ctx, m), parley.HookMessageUpdated))
}

// messageStatusEvent is messageAnnouncer for message m's new status.
func (s *Service) messageStatusEvent(ctx context.Context, c *parley.Chat, m *parley.Message) func(*parley.Message) *parley.Event {
	return messageAnnouncer(c, s.userName(ctx, m.AgentID), parley.HookMessageUpdated)
}

// mustJSON encodes values that cannot fail to encode (plain structs/maps).
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		return json.RawMessage(`{}`)
	}
	return b
}
