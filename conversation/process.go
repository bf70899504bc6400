package conversation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/scenario"
)

func (s *Service) processLoop(ctx context.Context) {
	s.worker(ctx, s.inboundWake, s.processPending, "inbound")
}

// processPending handles stored events oldest first until none are left.
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
	for {
		select {
		case <-lost:
			return nil
		default:
		}
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
	if ev.IsStandby {
		return nil // another app owns the thread; kept in the inbound log
	}
	switch ev.Kind {
	case messenger.KindMessage, messenger.KindPostback:
		return s.customerMessage(ctx, acct, ev, s.inboundMessage(ctx, acct, ev))
	case messenger.KindOptin, messenger.KindReferral:
		return s.entryEvent(ctx, acct, ev)
	case messenger.KindDelivery:
		return s.receipt(ctx, acct, ev, parley.MsgDelivered, ev.Delivery)
	case messenger.KindRead:
		return s.receipt(ctx, acct, ev, parley.MsgRead, ev.Read)
	case messenger.KindEcho:
		return s.echo(ctx, acct, ev)
	default:
		return nil // reactions and unknown kinds: kept in the inbound log, ignored
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
func (s *Service) customerMessage(ctx context.Context, acct *parley.Account, ev messenger.Event, msg *parley.Message) error {
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
	unlock, err := s.lockChat(ctx, chat.ID)
	if err != nil {
		return err
	}
	defer unlock()
	if chat, err = s.Store.Chat(ctx, chat.ID); err != nil { // as it is now that we hold it
		return err
	}
	// A chat whose scenario never started: new, or left by a node that
	// died between storing the first message and starting it (the event
	// is then handled again, by this or another node).
	unstarted := chat.State == parley.ChatBot && chat.Scenario.Name == ""
	msg.TenantID, msg.ChatID = chat.TenantID, chat.ID
	if err := s.Store.AddMessage(ctx, msg); err != nil {
		if parley.ErrorCode(err) != parley.ECONFLICT {
			return err
		}
		if !unstarted {
			return nil // a redelivery of a message we already have
		}
	} else if err := s.emitMessage(ctx, chat, msg); err != nil {
		return err
	}
	if created || unstarted {
		return s.startScenario(ctx, chat, acct, cust, ev)
	}
	sig := scenario.Signal{Kind: scenario.SigInput, Text: msg.Text}
	if msg.Kind == parley.KindQuickReply || msg.Kind == parley.KindPostback {
		sig.Payload = msg.Payload
	}
	return s.signal(ctx, chat.ID, sig)
}

// entryEvent handles an opt-in (Send to Messenger) or a referral (m.me
// link, ad): it is recorded in the customer's chat, starting one if needed,
// and its ref is the scenario's $(ref).
func (s *Service) entryEvent(ctx context.Context, acct *parley.Account, ev messenger.Event) error {
	if ev.PSID == "" {
		return nil // a checkbox opt-in (user_ref only): nobody to chat with yet
	}
	msg := &parley.Message{Direction: parley.Inbound, Sender: parley.SenderCustomer, Status: parley.MsgReceived, PlatformTime: ev.Timestamp}
	switch {
	case ev.Optin != nil:
		ev.Referral = &messenger.Referral{Ref: ev.Optin.Ref, Source: "OPTIN"}
		msg.Kind, msg.Text = parley.KindOptin, "Opted in via Send to Messenger"
		msg.Payload = string(mustJSON(map[string]string{"ref": ev.Optin.Ref, "type": ev.Optin.Type}))
	case ev.Referral != nil:
		r := ev.Referral
		msg.Kind, msg.Text = parley.KindReferral, "Arrived via "+referralSource(r.Source)
		msg.Payload = string(mustJSON(map[string]string{"ref": r.Ref, "source": r.Source, "type": r.Type, "ad_id": r.AdID}))
	default:
		return nil
	}
	if ref := ev.Referral.Ref; ref != "" {
		msg.Text += " (ref " + ref + ")"
	}
	// Redeliveries are caught by the inbound log's dedup key; the message
	// itself has no platform id.
	return s.customerMessage(ctx, acct, ev, msg)
}

func referralSource(src string) string {
	switch src {
	case "SHORTLINK":
		return "an m.me link"
	case "ADS":
		return "an ad"
	case "MESSENGER_CODE", "QR_CODE":
		return "a Messenger code"
	case "OPTIN":
		return "an opt-in"
	}
	if src == "" {
		return "a referral"
	}
	return strings.ToLower(src)
}

// receipt applies a delivery or read receipt to our outbound messages.
func (s *Service) receipt(ctx context.Context, acct *parley.Account, ev messenger.Event, status string, w *messenger.Watermark) error {
	if ev.PSID == "" || w == nil {
		return nil
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: ev.PSID})
	if err != nil {
		return err
	}
	changed, err := s.Store.MarkReceipt(ctx, cust.ID, status, w.MIDs, w.Watermark)
	if err != nil {
		return err
	}
	for _, m := range changed {
		chat, err := s.Store.Chat(ctx, m.ChatID)
		if err != nil {
			return err
		}
		if err := s.emitMessage(ctx, chat, m); err != nil {
			return err
		}
	}
	return nil
}

// echo records a message someone else sent as the page (Page Inbox,
// another app) in the customer's open chat. Echoes of our own sends carry
// our metadata and are already in the transcript.
func (s *Service) echo(ctx context.Context, acct *parley.Account, ev messenger.Event) error {
	if strings.HasPrefix(ev.Metadata, metadataPrefix) || ev.PSID == "" {
		return nil
	}
	cust, _, err := s.Store.EnsureCustomer(ctx, &parley.Customer{TenantID: acct.TenantID, AccountID: acct.ID, ExternalID: ev.PSID})
	if err != nil {
		return err
	}
	chat, err := s.Store.OpenChat(ctx, cust.ID)
	if parley.ErrorCode(err) == parley.ENOTFOUND {
		return nil // no conversation to show it in; it stays in the inbound log
	} else if err != nil {
		return err
	}
	in := s.inboundMessage(ctx, acct, ev)
	msg := &parley.Message{TenantID: chat.TenantID, ChatID: chat.ID, Direction: parley.Outbound, Sender: parley.SenderPage,
		Kind: parley.KindEcho, Text: in.Text, Payload: in.Payload, ExternalID: ev.MID, Status: parley.MsgSent,
		SentAt: ev.Timestamp, PlatformTime: ev.Timestamp}
	if msg.Text == "" {
		msg.Text = "[sent from the page]"
	}
	if err := s.Store.AddMessage(ctx, msg); err != nil {
		if parley.ErrorCode(err) == parley.ECONFLICT {
			return nil // our own send, or a redelivery
		}
		return err
	}
	return s.emitMessage(ctx, chat, msg)
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
