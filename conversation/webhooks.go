package conversation

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/parleycc/parley"
)

// Webhooks takes webhook deliveries: each channel verifies and splits a
// delivery, and every event is stored durably (group-committed with
// concurrent deliveries) before the caller may acknowledge it. It never
// calls a platform and never processes an event; the inbound worker does.
type Webhooks struct {
	store    ingestStore
	channels *parley.Channels
	clock    parley.Clock
	logger   *slog.Logger
	cache    *accountCache
	commits  groupCommit
	wake     func() // tells the inbound worker there is work
}

// ingestStore is what Webhooks reads and writes.
type ingestStore interface {
	accountLister
	parley.InboundStore
}

// Handshake answers a platform's webhook verification request (a GET with
// a challenge) for the channel type's shared URL; EFORBIDDEN when it does
// not match any account.
func (s *Webhooks) Handshake(ctx context.Context, typ string, req *parley.WebhookRequest) (string, error) {
	ch, err := s.channel(typ)
	if err != nil {
		return "", err
	}
	hs, ok := ch.(parley.Handshaker)
	if !ok {
		return "", parley.Errorf(parley.ENOTFOUND, "%s webhooks have no verification request", typ)
	}
	accounts, err := s.cache.get(ctx, s.store, typ, true)
	if err != nil {
		return "", err
	}
	return hs.Handshake(ctx, req.Query, accounts)
}

// Ingest verifies a delivery to the channel type's shared webhook URL,
// stores each of its events durably and returns what to answer. Only
// then may the caller acknowledge the delivery; processing happens
// afterwards. EFORBIDDEN for a bad signature, EINVALID for a malformed
// body.
func (s *Webhooks) Ingest(ctx context.Context, typ string, req *parley.WebhookRequest) (*parley.Received, error) {
	ch, err := s.channel(typ)
	if err != nil {
		return nil, err
	}
	got, err := s.receive(ctx, ch, req, false)
	if err != nil {
		return nil, err
	}
	if len(got.Unmatched) > 0 {
		// Maybe an account added a moment ago: look again before
		// dropping anything.
		if got, err = s.receive(ctx, ch, req, true); err != nil {
			return nil, err
		}
		for _, id := range got.Unmatched {
			s.logger.Warn("webhook for an account Parley does not have", slog.String("channel", typ), slog.String("id", id))
		}
	}
	return got, s.keep(ctx, typ, got.Events)
}

// receive asks the channel to verify and split a delivery against the
// cached accounts, and against freshly read ones when the cached view
// does not know its signature.
func (s *Webhooks) receive(ctx context.Context, ch parley.Channel, req *parley.WebhookRequest, fresh bool) (*parley.Received, error) {
	accounts, err := s.cache.get(ctx, s.store, ch.Type(), fresh)
	if err != nil {
		return nil, err
	}
	got, err := ch.Receive(ctx, req, accounts)
	if parley.ErrorCode(err) == parley.EFORBIDDEN && !fresh {
		return s.receive(ctx, ch, req, true)
	}
	return got, err
}

// channel returns the channel serving an account type.
func (s *Webhooks) channel(typ string) (parley.Channel, error) { return s.channels.Get(typ) }

// IngestAccount is Ingest for a channel whose webhook URL names its
// account (/webhooks/{type}/{account}). ENOTFOUND when no account of that
// type has the id.
func (s *Webhooks) IngestAccount(ctx context.Context, typ, accountID string, req *parley.WebhookRequest) (*parley.Received, error) {
	ch, acct, err := s.webhookAccount(ctx, typ, accountID)
	if err != nil {
		return nil, err
	}
	got, err := ch.Receive(ctx, req, []*parley.Account{acct})
	if err != nil {
		return nil, err
	}
	return got, s.keep(ctx, typ, got.Events)
}

// HandshakeAccount is Handshake for a per-account webhook URL.
func (s *Webhooks) HandshakeAccount(ctx context.Context, typ, accountID string, req *parley.WebhookRequest) (string, error) {
	ch, acct, err := s.webhookAccount(ctx, typ, accountID)
	if err != nil {
		return "", err
	}
	hs, ok := ch.(parley.Handshaker)
	if !ok {
		return "", parley.Errorf(parley.ENOTFOUND, "%s webhooks have no verification request", typ)
	}
	return hs.Handshake(ctx, req.Query, []*parley.Account{acct})
}

// webhookAccount finds the account a per-account webhook URL names, in
// the cached accounts of its type (read again once when it is not there:
// an account added a moment ago).
func (s *Webhooks) webhookAccount(ctx context.Context, typ, accountID string) (parley.Channel, *parley.Account, error) {
	ch, err := s.channel(typ)
	if err != nil {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "no %s webhook here", typ)
	}
	for _, fresh := range []bool{false, true} {
		accounts, err := s.cache.get(ctx, s.store, typ, fresh)
		if err != nil {
			return nil, nil, fmt.Errorf("webhook account: %w", err)
		}
		for _, a := range accounts {
			if a.ID == accountID {
				return ch, a, nil
			}
		}
	}
	return nil, nil, parley.Errorf(parley.ENOTFOUND, "no %s account %s", typ, accountID)
}

// keep stores received events durably (group commit) and wakes the
// inbound worker.
func (s *Webhooks) keep(ctx context.Context, typ string, events []*parley.InboundEvent) error {
	now := s.clock.Now()
	for _, ev := range events {
		ev.ReceivedAt = now
	}
	// Concurrent deliveries share one transaction (group commit); this
	// returns once ours is committed.
	n, err := s.commits.add(ctx, s.store, events)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", typ, err)
	}
	if n > 0 {
		s.wake()
	}
	return nil
}
