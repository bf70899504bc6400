package conversation

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/parleycc/parley"
)

// Handshake answers a platform's webhook verification request (a GET with
// a challenge) for the channel type's shared URL; EFORBIDDEN when it does
// not match any account.
func (s *Service) Handshake(ctx context.Context, typ string, req *parley.WebhookRequest) (string, error) {
	s.init()
	ch, err := s.channel(typ)
	if err != nil {
		return "", err
	}
	hs, ok := ch.(parley.Handshaker)
	if !ok {
		return "", parley.Errorf(parley.ENOTFOUND, "%s webhooks have no verification request", typ)
	}
	accounts, err := s.accounts.get(ctx, s.Store, typ, true)
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
func (s *Service) Ingest(ctx context.Context, typ string, req *parley.WebhookRequest) (*parley.Received, error) {
	s.init()
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
			s.Logger.Warn("webhook for an account Parley does not have", slog.String("channel", typ), slog.String("id", id))
		}
	}
	return got, s.store(ctx, typ, got.Events)
}

// receive asks the channel to verify and split a delivery against the
// cached accounts, and against freshly read ones when the cached view
// does not know its signature.
func (s *Service) receive(ctx context.Context, ch parley.Channel, req *parley.WebhookRequest, fresh bool) (*parley.Received, error) {
	accounts, err := s.accounts.get(ctx, s.Store, ch.Type(), fresh)
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
func (s *Service) channel(typ string) (parley.Channel, error) {
	if s.Channels == nil {
		return nil, parley.Errorf(parley.EINTERNAL, "no channels registered")
	}
	return s.Channels.Get(typ)
}

// IngestAccount is Ingest for a channel whose webhook URL names its
// account (/webhooks/{type}/{account}). ENOTFOUND when no account of that
// type has the id.
func (s *Service) IngestAccount(ctx context.Context, typ, accountID string, req *parley.WebhookRequest) (*parley.Received, error) {
	s.init()
	ch, acct, err := s.webhookAccount(ctx, typ, accountID)
	if err != nil {
		return nil, err
	}
	got, err := ch.Receive(ctx, req, []*parley.Account{acct})
	if err != nil {
		return nil, err
	}
	return got, s.store(ctx, typ, got.Events)
}

// HandshakeAccount is Handshake for a per-account webhook URL.
func (s *Service) HandshakeAccount(ctx context.Context, typ, accountID string, req *parley.WebhookRequest) (string, error) {
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

// webhookAccount finds the account a per-account webhook URL names.
func (s *Service) webhookAccount(ctx context.Context, typ, accountID string) (parley.Channel, *parley.Account, error) {
	ch, err := s.channel(typ)
	if err != nil {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "no %s webhook here", typ)
	}
	acct, err := s.Store.Account(ctx, accountID)
	if parley.ErrorCode(err) == parley.ENOTFOUND || (err == nil && acct.Type != typ) {
		return nil, nil, parley.Errorf(parley.ENOTFOUND, "no %s account %s", typ, accountID)
	} else if err != nil {
		return nil, nil, fmt.Errorf("webhook account: %w", err)
	}
	return ch, acct, nil
}

// store keeps received events durably (group commit) and wakes the
// inbound worker.
func (s *Service) store(ctx context.Context, typ string, events []*parley.InboundEvent) error {
	now := s.Clock.Now()
	for _, ev := range events {
		ev.ReceivedAt = now
	}
	// Concurrent deliveries share one transaction (group commit); this
	// returns once ours is committed.
	n, err := s.commits.add(ctx, s.Store, events)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", typ, err)
	}
	if n > 0 {
		poke(s.inboundWake)
	}
	return nil
}
