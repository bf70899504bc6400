package conversation

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// DefaultHealthInterval is how often every page is checked.
const DefaultHealthInterval = 10 * time.Minute

// firstHealthCheck is how long after start the first check runs.
const firstHealthCheck = 20 * time.Second

// GenerateVerifyToken returns a strong random webhook verify token.
func GenerateVerifyToken() string { return "pv_" + rand.Text() + rand.Text() }

// TestConnection asks the account's channel to try its credentials. For a
// stored account (acct.ID set) the outcome also sets its token health.
func (s *Service) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	s.init()
	ch, err := s.channel(acct.Type)
	if err != nil {
		return parley.ConnectionResult{}, err
	}
	res, err := ch.TestConnection(ctx, acct)
	if err != nil {
		return res, fmt.Errorf("test %s connection: %w", acct.Type, err)
	}
	if acct.ID != "" {
		if err := s.setTokenHealth(ctx, acct, res); err != nil {
			return res, err
		}
	}
	return res, nil
}

// setTokenHealth flips a stored account after a credentials check. Only
// credential failures make it inactive; an unreachable platform says
// nothing about the token.
func (s *Service) setTokenHealth(ctx context.Context, acct *parley.Account, res parley.ConnectionResult) error {
	if res.Valid {
		return s.markAccountActive(ctx, acct)
	}
	if res.Credentials {
		s.markAccountInactive(ctx, acct, res.Reason)
	}
	return nil
}

// CheckHealth checks one account's credentials and webhook registration,
// lets the channel repair a dropped registration, and records the result.
func (s *Service) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	s.init()
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: s.Clock.Now()}
	conn, err := s.TestConnection(ctx, acct)
	if err != nil {
		return nil, err
	}
	h.TokenOK, h.PageName = conn.Valid, conn.Name
	if !conn.Valid {
		h.Error = conn.Reason
		return h, s.Store.SetAccountHealth(ctx, h)
	}
	ch, err := s.channel(acct.Type)
	if err != nil {
		return nil, err
	}
	w, err := ch.CheckWebhook(ctx, acct)
	if err != nil {
		return nil, fmt.Errorf("check %s webhook: %w", acct.Type, err)
	}
	h.Subscribed, h.Resubscribed, h.Error = w.Registered, w.Repaired, w.Reason
	if w.Repaired {
		s.Logger.Warn("webhook registration was dropped; registered again", slog.String("account", acct.Name))
	}
	return h, s.Store.SetAccountHealth(ctx, h)
}

// healthLoop checks every Facebook page periodically.
func (s *Service) healthLoop(ctx context.Context) {
	if s.HealthInterval < 0 {
		return
	}
	every := s.HealthInterval
	if every == 0 {
		every = DefaultHealthInterval
	}
	// The first check comes soon after start, so a new install shows its
	// channels' health without waiting a whole interval.
	t := time.NewTimer(min(every, firstHealthCheck))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			t.Reset(every)
		}
		s.checkAll(ctx)
	}
}

// checkAll checks every account of every registered channel.
func (s *Service) checkAll(ctx context.Context) {
	for _, typ := range s.Channels.Types() {
		accounts, err := s.Store.AccountsByType(ctx, typ)
		if err != nil {
			s.Logger.Error("health check: list accounts", slog.String("channel", typ), slog.Any("err", err))
			continue
		}
		for _, a := range accounts {
			if _, err := s.CheckHealth(ctx, a); err != nil && ctx.Err() == nil {
				s.Logger.Error("health check", slog.String("account", a.Name), slog.Any("err", err))
			}
		}
	}
}

// SaveAccount creates (a.ID empty) or updates an account from the Admin
// API. Empty secrets on update keep the stored ones. It enforces one page
// per account across the installation (the shared webhook routes by page).
func (s *Service) SaveAccount(ctx context.Context, a *parley.Account) error {
	s.init()
	if a.Type == "" {
		a.Type = parley.ChannelFacebook
	}
	ch, err := s.channel(a.Type)
	if err != nil {
		return err
	}
	a.Name, a.PageID, a.PageUsername = strings.TrimSpace(a.Name), strings.TrimSpace(a.PageID), strings.TrimSpace(a.PageUsername)
	existing, err := s.Store.Accounts(ctx, a.TenantID)
	if err != nil {
		return err
	}
	var old *parley.Account
	for _, e := range existing {
		switch {
		case a.ID != "" && e.ID == a.ID:
			old = e
		case e.Name == a.Name:
			return parley.Errorf(parley.ECONFLICT, "an account named %q already exists", a.Name)
		}
	}
	if a.ID != "" {
		if old == nil {
			return parley.Errorf(parley.ENOTFOUND, "account not found")
		}
		if a.Name != old.Name {
			return parley.Errorf(parley.EINVALID, "an account's name cannot change (it is its key in parley.yaml)")
		}
		if a.AccessToken == "" {
			a.AccessToken = old.AccessToken
		}
		if a.AppSecret == "" {
			a.AppSecret = old.AppSecret
		}
		if a.VerifyToken == "" {
			a.VerifyToken = old.VerifyToken
		}
		if a.APIBaseURL == "" {
			a.APIBaseURL = old.APIBaseURL
		}
		// A new token gets a fresh chance; an unchanged one keeps its state.
		a.Active, a.StatusReason = old.Active, old.StatusReason
		if a.AccessToken != old.AccessToken {
			a.Active, a.StatusReason = true, ""
		}
	} else {
		a.Active = true
	}
	if err := a.Validate(); err != nil {
		return err
	}
	if err := ch.ValidateAccount(a); err != nil {
		return parley.Errorf(parley.EINVALID, "account %q: %s", a.Name, parley.ErrorMessage(err))
	}
	if err := s.Store.UpsertAccount(ctx, a); err != nil {
		return err
	}
	s.accounts.invalidate()
	if a.Active {
		poke(s.outboxWake) // a fixed token releases the held messages
	}
	return nil
}

// DeleteAccount deletes an account that no scenario entry uses.
func (s *Service) DeleteAccount(ctx context.Context, tenantID, id string) error {
	a, err := s.Store.Account(ctx, id)
	if err != nil || a.TenantID != tenantID {
		return parley.Errorf(parley.ENOTFOUND, "account not found")
	}
	if e, err := s.Store.EntryByAccount(ctx, id); err == nil {
		return parley.Errorf(parley.ECONFLICT, "account %q is the page of scenario entry %q; detach it first", a.Name, e.Name)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	defer s.accounts.invalidate()
	return s.Store.DeleteAccount(ctx, id)
}
