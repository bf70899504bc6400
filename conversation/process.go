package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/scenario"
)

func (s *Service) processLoop(ctx context.Context) {
	s.worker(ctx, s.inboundWake, s.processPending, "inbound")
}

// processPending handles stored events oldest first until none are left.
func (s *Service) processPending(ctx context.Context) error {
	for {
		events, err := s.Store.PendingInbound(ctx, 100)
		if err != nil || len(events) == 0 {
			return err
		}
		for _, ev := range events {
			errText := ""
			if err := s.processEvent(ctx, ev); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				// A broken event must not block the ones after it; it stays
				// in the log with its error for an operator to look at.
				s.Logger.Error("process inbound event", slog.Int64("event", ev.ID), slog.Any("err", err))
				errText = err.Error()
			}
			if err := s.Store.MarkInboundProcessed(ctx, ev.ID, s.Clock.Now(), errText); err != nil {
				return err
			}
		}
	}
}

func (s *Service) processEvent(ctx context.Context, in *parley.InboundEvent) error {
	acct, err := s.Store.Account(ctx, in.AccountID)
	if err != nil {
		return err
	}
	ev, err := parseStoredFacebookEvent(acct.PageID, in.Payload)
	if err != nil {
		return err
	}
	switch ev.Kind {
	case messenger.KindMessage, messenger.KindPostback:
		if ev.IsStandby {
			return nil // another app owns the thread
		}
		return s.customerMessage(ctx, acct, ev)
	default:
		return nil // kept in the inbound log; not part of a transcript yet
	}
}

// parseStoredFacebookEvent re-reads one stored messaging item with the same
// parser the webhook used.
func parseStoredFacebookEvent(pageID string, raw []byte) (messenger.Event, error) {
	body, err := json.Marshal(map[string]any{
		"object": "page",
		"entry":  []any{map[string]any{"id": pageID, "time": 0, "messaging": []json.RawMessage{raw}}},
	})
	if err != nil {
		return messenger.Event{}, fmt.Errorf("rewrap stored event: %w", err)
	}
	b, err := messenger.ParseWebhook(body)
	if err != nil {
		return messenger.Event{}, err
	}
	evs := b.Events()
	if len(evs) != 1 {
		return messenger.Event{}, fmt.Errorf("stored event parsed into %d events", len(evs))
	}
	return evs[0], nil
}

// customerMessage adds a customer's message to their open chat, starting a
// new chat (and its scenario) when they have none.
func (s *Service) customerMessage(ctx context.Context, acct *parley.Account, ev messenger.Event) error {
	cust, err := s.customer(ctx, acct, ev.PSID)
	if err != nil {
		return err
	}
	if err := s.Store.TouchCustomer(ctx, cust.ID, ev.Timestamp); err != nil {
		return err
	}
	chat, created, err := s.openChat(ctx, acct, cust)
	if err != nil {
		return err
	}
	unlock := s.chatLocks.lock(chat.ID)
	defer unlock()
	msg := &parley.Message{
		TenantID: chat.TenantID, ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
		Kind: parley.KindText, Text: ev.Text, ExternalID: ev.MID, Status: parley.MsgReceived, PlatformTime: ev.Timestamp,
	}
	if ev.Kind == messenger.KindPostback && ev.Postback != nil {
		msg.Kind, msg.Text, msg.Payload = parley.KindPostback, ev.Postback.Title, ev.Postback.Payload
	}
	if msg.Text == "" && len(ev.Attachments) > 0 {
		msg.Text = describeAttachments(ev.Attachments)
	}
	if err := s.Store.AddMessage(ctx, msg); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return nil // a redelivery of a message we already have
		}
		return err
	}
	if err := s.emitMessage(ctx, chat, msg); err != nil {
		return err
	}
	if created {
		return s.startScenario(ctx, chat, acct, cust, ev)
	}
	return s.signal(ctx, chat.ID, scenario.Signal{Kind: scenario.SigInput, Text: msg.Text})
}

func describeAttachments(atts []messenger.Attachment) string {
	a := atts[0]
	if a.Type == "location" {
		return fmt.Sprintf("[location] https://maps.google.com/?q=%f,%f", a.Lat, a.Long)
	}
	return fmt.Sprintf("[%s] %s", a.Type, a.URL)
}

// openChat returns the customer's open chat or creates one.
func (s *Service) openChat(ctx context.Context, acct *parley.Account, cust *parley.Customer) (*parley.Chat, bool, error) {
	chat, err := s.Store.OpenChat(ctx, cust.ID)
	if err == nil {
		return chat, false, nil
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, false, err
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

// customer finds or creates the customer, fetching their profile from the
// platform when it is new or stale. A failed fetch is not fatal: the chat
// goes on with a generic name and the fetch is retried next time.
func (s *Service) customer(ctx context.Context, acct *parley.Account, psid string) (*parley.Customer, error) {
	if psid == "" {
		return nil, errors.New("event has no customer id")
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: psid})
	if err != nil {
		return nil, err
	}
	if s.Clock.Now().Sub(cust.ProfileFetchedAt) < profileMaxAge {
		return cust, nil
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	client := messenger.Client{BaseURL: acct.APIBaseURL, HTTPClient: s.HTTPClient}
	p, err := client.Profile(pctx, acct.AccessToken, psid)
	if err != nil {
		s.Logger.Warn("fetch customer profile", slog.String("account", acct.Name), slog.Any("err", err))
		return cust, nil
	}
	now := s.Clock.Now()
	if err := s.Store.UpdateCustomerProfile(ctx, cust.ID, p.FirstName, p.LastName, p.ProfilePic, now); err != nil {
		return nil, err
	}
	cust.FirstName, cust.LastName, cust.ProfilePic, cust.ProfileFetchedAt = p.FirstName, p.LastName, p.ProfilePic, now
	return cust, nil
}

// profileMaxAge is how long a fetched profile is trusted.
const profileMaxAge = 24 * time.Hour
