package conversation

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// VerifyFacebookSubscription answers Facebook's webhook handshake: it
// returns the challenge when token is the verify token of any Facebook
// account, and EFORBIDDEN otherwise.
func (s *Service) VerifyFacebookSubscription(ctx context.Context, mode, token, challenge string) (string, error) {
	if mode != "subscribe" || token == "" {
		return "", parley.Errorf(parley.EFORBIDDEN, "not a subscription request")
	}
	accounts, err := s.Store.AccountsByType(ctx, parley.ChannelFacebook)
	if err != nil {
		return "", err
	}
	for _, a := range accounts {
		if subtle.ConstantTimeCompare([]byte(a.VerifyToken), []byte(token)) == 1 {
			return challenge, nil
		}
	}
	return "", parley.Errorf(parley.EFORBIDDEN, "verify token does not match any Facebook account")
}

// IngestFacebook checks a webhook delivery's signature, stores each of its
// events durably and returns how many were new. Only then may the caller
// acknowledge the delivery; processing happens afterwards. Returns
// EFORBIDDEN for a bad signature and EINVALID for a malformed body.
func (s *Service) IngestFacebook(ctx context.Context, body []byte, signature string) (int, error) {
	s.init()
	byPage, err := s.signedPages(ctx, body, signature, false)
	if err != nil {
		return 0, err
	}
	batch, err := messenger.ParseWebhook(body)
	if err != nil {
		return 0, parley.Errorf(parley.EINVALID, "%v", err)
	}
	for _, entry := range batch.Entries {
		if byPage[entry.PageID] == nil {
			// Maybe an account added a moment ago: look again before
			// dropping anything.
			if byPage, err = s.signedPages(ctx, body, signature, true); err != nil {
				return 0, err
			}
			break
		}
	}
	now := s.Clock.Now()
	var events []*parley.InboundEvent
	for _, entry := range batch.Entries {
		acct := byPage[entry.PageID]
		if acct == nil {
			s.Logger.Warn("webhook for a page with no account", slog.String("page_id", entry.PageID), slog.Int("events", len(entry.Events)))
			continue
		}
		for _, ev := range entry.Events {
			events = append(events, &parley.InboundEvent{
				TenantID: acct.TenantID, AccountID: acct.ID, Channel: parley.ChannelFacebook,
				DedupKey: ev.DedupKey(), Kind: string(ev.Kind), Payload: ev.Raw, ReceivedAt: now,
			})
		}
	}
	// Concurrent deliveries share one transaction (group commit); this
	// returns once ours is committed.
	n, err := s.commits.add(ctx, s.Store, events)
	if err != nil {
		return 0, fmt.Errorf("ingest facebook: %w", err)
	}
	if n > 0 {
		poke(s.inboundWake)
	}
	return n, nil
}

// signedPages finds the app secret that signed body and returns that app's
// accounts by page id. EFORBIDDEN when no secret matches (after a fresh
// read of the accounts, so a just-added account is found).
func (s *Service) signedPages(ctx context.Context, body []byte, signature string, fresh bool) (map[string]*parley.Account, error) {
	accounts, err := s.accounts.get(ctx, s.Store, fresh)
	if err != nil {
		return nil, err
	}
	// Pages of several apps may share the URL: the delivery is genuine if
	// one app's secret signed it, and then only that app's pages count.
	var secret string
	for _, a := range accounts {
		if a.AppSecret != secret && messenger.VerifySignature(body, signature, a.AppSecret) {
			secret = a.AppSecret
			break
		}
	}
	if secret == "" {
		if !fresh {
			return s.signedPages(ctx, body, signature, true)
		}
		return nil, parley.Errorf(parley.EFORBIDDEN, "X-Hub-Signature-256 is missing or does not match")
	}
	byPage := map[string]*parley.Account{}
	for _, a := range accounts {
		if a.AppSecret == secret {
			byPage[a.PageID] = a
		}
	}
	return byPage, nil
}
