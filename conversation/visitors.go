package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"time"

	"github.com/parleycc/parley"
)

// VisitorChannel is a channel whose customers are visitors of Parley's own
// web chat widget (channel/webchat): Parley issues their tokens and serves
// their transcript. conversation finds it by this interface, never by
// importing the channel.
type VisitorChannel interface {
	parley.Channel
	// NewVisitor starts a visitor: a new id and its signed token.
	NewVisitor(acct *parley.Account) (id, token string, err error)
	// RenewVisitor checks a token and returns its visitor with a fresh
	// token; EFORBIDDEN when it is not valid.
	RenewVisitor(acct *parley.Account, token string) (id, fresh string, err error)
	// Visitor returns the visitor a token names; EFORBIDDEN when not valid.
	Visitor(acct *parley.Account, token string) (string, error)
	// AllowsOrigin says whether pages of origin may embed the widget.
	AllowsOrigin(acct *parley.Account, origin string) bool
	// WidgetInfo is the panel's title, its greeting and the pre-chat fields.
	WidgetInfo(acct *parley.Account) (title, greeting string, prechat []string)
}

// Visitor is a web chat visitor whose token was checked.
type Visitor struct {
	Account  *parley.Account
	ID       string // the visitor id, the customer's external id
	Customer *parley.Customer
}

// WidgetSession is what the widget starts with.
type WidgetSession struct {
	VisitorToken  string   `json:"visitor_token"`
	VisitorID     string   `json:"visitor_id"`
	Title         string   `json:"title"`
	Greeting      string   `json:"greeting,omitempty"`
	PrechatFields []string `json:"prechat_fields"`
	// Started says the visitor has written before: no pre-chat form.
	Started bool `json:"started"`
}

// VisitorMessage is a transcript message as the visitor sees it: the one
// reply model, without anything meant for agents only.
type VisitorMessage struct {
	ID        string       `json:"id"`
	ChatID    string       `json:"chat_id"`
	Seq       int64        `json:"seq"`
	Sender    string       `json:"sender"` // customer, bot, agent or page
	AgentName string       `json:"agent_name,omitempty"`
	Kind      string       `json:"kind"`
	Reply     parley.Reply `json:"reply"`
	CreatedAt time.Time    `json:"created_at"`
}

// VisitorTranscript is the visitor's current chat. LastEventID is where a
// live stream opened after reading it resumes, so nothing falls between.
type VisitorTranscript struct {
	ChatID      string           `json:"chat_id,omitempty"`
	State       string           `json:"state,omitempty"`
	LastEventID int64            `json:"last_event_id"`
	Messages    []VisitorMessage `json:"messages"`
}

// WidgetAccount returns a web chat account and its channel; ENOTFOUND
// when accountID names no account whose channel serves visitors.
func (s *Service) WidgetAccount(ctx context.Context, accountID string) (*parley.Account, VisitorChannel, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "no web chat account %s", accountID)
	acct, err := s.Store.Account(ctx, accountID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil, nil, notFound
	} else if err != nil {
		return nil, nil, fmt.Errorf("widget account: %w", err)
	}
	ch, err := s.channel(acct.Type)
	vc, ok := ch.(VisitorChannel)
	if err != nil || !ok {
		return nil, nil, notFound
	}
	return acct, vc, nil
}

// WidgetAllows says whether a page of origin may call the account's
// visitor endpoints from a browser.
func (s *Service) WidgetAllows(ctx context.Context, accountID, origin string) bool {
	acct, vc, err := s.WidgetAccount(ctx, accountID)
	return err == nil && vc.AllowsOrigin(acct, origin)
}

// VisitorSession starts a widget: the same visitor (with a fresh token)
// when token is valid, else a new one.
func (s *Service) VisitorSession(ctx context.Context, accountID, token string) (*WidgetSession, error) {
	acct, vc, err := s.WidgetAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := &WidgetSession{}
	out.Title, out.Greeting, out.PrechatFields = vc.WidgetInfo(acct)
	if out.PrechatFields == nil {
		out.PrechatFields = []string{}
	}
	if token != "" {
		if out.VisitorID, out.VisitorToken, err = vc.RenewVisitor(acct, token); err == nil {
			v, err := s.visitor(ctx, acct, out.VisitorID)
			if err != nil {
				return nil, err
			}
			_, err = s.visitorChat(ctx, v)
			out.Started = err == nil
			return out, nil
		}
	}
	if out.VisitorID, out.VisitorToken, err = vc.NewVisitor(acct); err != nil {
		return nil, fmt.Errorf("new visitor: %w", err)
	}
	return out, nil
}

// VisitorOf checks a visitor token for the account; EFORBIDDEN when it is
// missing or not valid.
func (s *Service) VisitorOf(ctx context.Context, accountID, token string) (*Visitor, error) {
	acct, vc, err := s.WidgetAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	id, err := vc.Visitor(acct, token)
	if err != nil {
		return nil, err
	}
	return s.visitor(ctx, acct, id)
}

func (s *Service) visitor(ctx context.Context, acct *parley.Account, id string) (*Visitor, error) {
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: id})
	if err != nil {
		return nil, fmt.Errorf("visitor: %w", err)
	}
	return &Visitor{Account: acct, ID: id, Customer: cust}, nil
}

// visitorChat is the visitor's newest chat; ENOTFOUND when none.
func (s *Service) visitorChat(ctx context.Context, v *Visitor) (*parley.Chat, error) {
	chats, err := s.Store.Chats(ctx, parley.ChatFilter{TenantID: v.Account.TenantID, CustomerID: v.Customer.ID, Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("visitor chat: %w", err)
	}
	if len(chats) == 0 {
		return nil, parley.Errorf(parley.ENOTFOUND, "no chat yet")
	}
	return chats[0], nil
}

// VisitorTranscript returns the messages of the visitor's current chat
// after seq that the visitor may see.
func (s *Service) VisitorTranscript(ctx context.Context, v *Visitor, afterSeq int64) (*VisitorTranscript, error) {
	last, err := s.Store.LastEventID(ctx, v.Account.TenantID)
	if err != nil {
		return nil, fmt.Errorf("visitor transcript: %w", err)
	}
	out := &VisitorTranscript{LastEventID: last, Messages: []VisitorMessage{}}
	chat, err := s.visitorChat(ctx, v)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	out.ChatID, out.State = chat.ID, chat.State
	msgs, err := s.Store.Messages(ctx, chat.ID, afterSeq)
	if err != nil {
		return nil, fmt.Errorf("visitor transcript: %w", err)
	}
	for _, m := range msgs {
		if vm := s.visitorMessage(v, messageView(m)); vm != nil {
			vm.AgentName = s.ViewMessage(ctx, m).AgentName
			out.Messages = append(out.Messages, *vm)
		}
	}
	return out, nil
}

// VisitorEvents returns a filter of the tenant's event log for the
// visitor's live stream: the message an event carries when it is one of
// the visitor's chats and the visitor may see it, else nil.
func (s *Service) VisitorEvents(v *Visitor) func(ctx context.Context, e *parley.Event) *VisitorMessage {
	mine := map[string]bool{} // chat id → the visitor's; one stream, one goroutine
	return func(ctx context.Context, e *parley.Event) *VisitorMessage {
		if e.Type != parley.EventMessage || e.ChatID == "" {
			return nil
		}
		owned, known := mine[e.ChatID]
		if !known {
			customer, ok := s.chatCustomer(ctx, e.ChatID)
			owned = ok && customer == v.Customer.ID
			if ok && len(mine) < 1024 {
				mine[e.ChatID] = owned
			}
		}
		var mv MessageView
		if !owned || json.Unmarshal(e.Data, &mv) != nil {
			return nil
		}
		return s.visitorMessage(v, &mv)
	}
}

// visitorMessage is what the visitor sees of a message, or nil: never
// system events, sender actions or how the chat started, and our own
// messages only once they are sent (a typing delay runs before).
func (s *Service) visitorMessage(v *Visitor, m *MessageView) *VisitorMessage {
	switch m.Sender {
	case parley.SenderCustomer, parley.SenderBot, parley.SenderAgent, parley.SenderPage:
	default:
		return nil
	}
	switch m.Kind {
	case parley.KindEvent, parley.KindAction, parley.KindReferral, parley.KindOptin, parley.KindWhisper:
		return nil
	}
	switch m.Status {
	case parley.MsgPending, parley.MsgSending, parley.MsgFailed:
		return nil
	}
	msg := &parley.Message{Text: m.Text, Payload: m.Payload}
	reply := parley.Reply{Text: m.Text}
	if m.Direction == parley.Outbound || m.Kind == parley.KindAttachment {
		reply = replyOf(msg)
	}
	for i, a := range reply.Attachments {
		if a.FileID != "" {
			reply.Attachments[i].URL = "/widget/" + v.Account.ID + "/files/" + a.FileID
		}
	}
	return &VisitorMessage{ID: m.ID, ChatID: m.ChatID, Seq: m.Seq, Sender: m.Sender, AgentName: m.AgentName,
		Kind: m.Kind, Reply: reply, CreatedAt: m.CreatedAt}
}

// VisitorUpload stores a file the visitor sent and adds it to their chat
// as their message (starting a chat when they have none). clientID is the
// browser's id of the message, so a retried upload is stored once.
func (s *Service) VisitorUpload(ctx context.Context, v *Visitor, clientID, name, contentType string, data []byte) error {
	switch {
	case len(data) == 0:
		return parley.Errorf(parley.EINVALID, "the file is empty")
	case len(data) > MaxFileBytes:
		return parley.Errorf(parley.ETOOLARGE, "the file is larger than %d MB", MaxFileBytes>>20)
	case clientID == "" || len(clientID) > 64:
		return parley.Errorf(parley.EINVALID, "id: required (a UUID)")
	}
	if contentType == "" || contentType == "application/octet-stream" {
		contentType = http.DetectContentType(data)
	}
	f := &parley.File{TenantID: v.Account.TenantID, Name: path.Base(name), ContentType: contentType, Data: data}
	if err := s.Store.PutFile(ctx, f); err != nil {
		return fmt.Errorf("visitor upload: %w", err)
	}
	att := AttachmentJSON{Type: AttachmentType(contentType), URL: FileURL(f.ID), FileID: f.ID, Name: f.Name, ContentType: contentType, Size: f.Size}
	now := s.Clock.Now()
	msg := &parley.Message{Direction: parley.Inbound, Sender: parley.SenderCustomer, Kind: parley.KindAttachment, Text: f.Name,
		Payload: string(mustJSON(map[string]any{"attachments": []AttachmentJSON{att}})), ExternalID: "file:" + v.ID + ":" + clientID,
		Status: parley.MsgReceived, PlatformTime: now}
	first := v.Customer.FirstName
	if first == "" {
		first = "Visitor"
	}
	in := &parley.Incoming{Kind: parley.InMessage, CustomerID: v.ID, MessageID: msg.ExternalID, At: now,
		Profile: &parley.Profile{FirstName: first, LastName: v.Customer.LastName}}
	return s.customerMessage(ctx, v.Account, in, msg)
}

// VisitorFile returns a file of one of the visitor's chats; ENOTFOUND for
// any other, as for a missing one.
func (s *Service) VisitorFile(ctx context.Context, v *Visitor, id string) (*parley.File, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "file not found")
	f, err := s.Store.File(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && f.TenantID != v.Account.TenantID {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("visitor file: %w", err)
	}
	uses, err := s.Store.FileUses(ctx, v.Account.TenantID, f.ID)
	if err != nil {
		return nil, fmt.Errorf("visitor file: %w", err)
	}
	for _, use := range uses {
		if chat, err := s.Store.Chat(ctx, use.ChatID); err == nil && chat.CustomerID == v.Customer.ID {
			return f, nil
		}
	}
	return nil, notFound
}

// VisitorTyping tells the desktops following the visitor's open chat that
// the visitor is writing. The widget sends it at most every few seconds
// while the visitor types; without an open chat it does nothing.
func (s *Service) VisitorTyping(ctx context.Context, v *Visitor) error {
	chat, err := s.visitorChat(ctx, v)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if chat.State == parley.ChatClosed {
		return nil
	}
	return s.emit(ctx, &parley.Event{TenantID: chat.TenantID, Type: parley.EventCustomerTyping, ChatID: chat.ID, AgentID: chat.AgentID,
		Data: mustJSON(map[string]string{"chat_id": chat.ID})})
}
