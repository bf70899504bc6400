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

// Accounts manages integration accounts: saving them with their
// channel's validation, Test Connection, and the periodic health check of
// every account's credentials and webhook registration.
type Accounts struct {
	store    accountsStore
	channels *parley.Channels
	clock    parley.Clock
	logger   *slog.Logger
	cache    *accountCache
	status   *accountStatus
	every    time.Duration // health check interval; negative: never
}

// accountsStore is what Accounts reads and writes.
type accountsStore interface {
	accountLister
	statusStore
	Account(ctx context.Context, id string) (*parley.Account, error)
	Accounts(ctx context.Context, tenantID string) ([]*parley.Account, error)
	UpsertAccount(ctx context.Context, a *parley.Account) error
	DeleteAccount(ctx context.Context, id string) error
	EntryByAccount(ctx context.Context, accountID string) (*parley.ScenarioEntry, error)
	SetAccountHealth(ctx context.Context, h *parley.AccountHealth) error
	accountViewStore
}

// GenerateVerifyToken returns a strong random webhook verify token.
func GenerateVerifyToken() string { return "pv_" + rand.Text() + rand.Text() }

// TestConnection asks the account's channel to try its credentials. For a
// stored account (acct.ID set) the outcome also sets its token health.
func (s *Accounts) TestConnection(ctx context.Context, acct *parley.Account) (parley.ConnectionResult, error) {
	ch, err := s.channels.Get(acct.Type)
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
func (s *Accounts) setTokenHealth(ctx context.Context, acct *parley.Account, res parley.ConnectionResult) error {
	if res.Valid {
		return s.status.green(ctx, acct)
	}
	if res.Credentials {
		s.status.red(ctx, acct, res.Reason)
	}
	return nil
}

// CheckHealth checks one account's credentials and webhook registration,
// lets the channel repair a dropped registration, and records the result.
func (s *Accounts) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: s.clock.Now()}
	conn, err := s.TestConnection(ctx, acct)
	if err != nil {
		return nil, err
	}
	h.TokenOK, h.PageName = conn.Valid, conn.Name
	if !conn.Valid {
		h.Error = conn.Reason
		return h, s.store.SetAccountHealth(ctx, h)
	}
	ch, err := s.channels.Get(acct.Type)
	if err != nil {
		return nil, err
	}
	w, err := ch.CheckWebhook(ctx, acct)
	if err != nil {
		return nil, fmt.Errorf("check %s webhook: %w", acct.Type, err)
	}
	h.Subscribed, h.Resubscribed, h.Error = w.Registered, w.Repaired, w.Reason
	if w.Repaired {
		s.logger.Warn("webhook registration was dropped; registered again", slog.String("account", acct.Name))
	}
	return h, s.store.SetAccountHealth(ctx, h)
}

// healthLoop checks every Facebook page periodically.
func (s *Accounts) healthLoop(ctx context.Context) {
	if s.every < 0 {
		return
	}
	every := s.every
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

// keptSettings are a form's settings with what it cannot send back kept:
// secrets it left empty, and the webhook URL Parley registered.
func keptSettings(form, old map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range form {
		if v != "" {
			out[k] = v
		}
	}
	for k, v := range old {
		if _, set := out[k]; !set && (parley.SecretSetting(k) || k == parley.SettingWebhookURL) {
			out[k] = v
		}
	}
	return out
}

// checkAll checks every account of every registered channel.
func (s *Accounts) checkAll(ctx context.Context) {
	for _, typ := range s.channels.Types() {
		accounts, err := s.store.AccountsByType(ctx, typ)
		if err != nil {
			s.logger.Error("health check: list accounts", slog.String("channel", typ), slog.Any("err", err))
			continue
		}
		for _, a := range accounts {
			if _, err := s.CheckHealth(ctx, a); err != nil && ctx.Err() == nil {
				s.logger.Error("health check", slog.String("account", a.Name), slog.Any("err", err))
			}
		}
	}
}

// SaveAccount creates (a.ID empty) or updates an account from the Admin
// API. Empty secrets on update keep the stored ones. It enforces one page
// per account across the installation (the shared webhook routes by page).
func (s *Accounts) SaveAccount(ctx context.Context, a *parley.Account) error {
	if a.Type == "" {
		a.Type = parley.ChannelFacebook
	}
	ch, err := s.channels.Get(a.Type)
	if err != nil {
		return err
	}
	a.Name, a.PageID, a.PageUsername = strings.TrimSpace(a.Name), strings.TrimSpace(a.PageID), strings.TrimSpace(a.PageUsername)
	existing, err := s.store.Accounts(ctx, a.TenantID)
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
		if a.Type != old.Type {
			return parley.Errorf(parley.EINVALID, "an account's type cannot change; create a new account")
		}
		a.Settings = keptSettings(a.Settings, old.Settings)
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
		// An empty field is no setting, as on update: a page created
		// without a website button exports no app_id: "".
		a.Settings = keptSettings(a.Settings, nil)
		a.Active = true
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.Normalize(ch)
	if err := ch.ValidateAccount(a); err != nil {
		return parley.Errorf(parley.EINVALID, "account %q: %s", a.Name, parley.ErrorMessage(err))
	}
	a.EnsurePageID()
	if err := s.store.UpsertAccount(ctx, a); err != nil {
		return err
	}
	s.cache.invalidate()
	if a.Active {
		s.status.released() // a fixed token releases the held messages
	}
	return nil
}

// DeleteAccount deletes an account that no scenario entry uses.
func (s *Accounts) DeleteAccount(ctx context.Context, tenantID, id string) error {
	a, err := s.store.Account(ctx, id)
	if err != nil || a.TenantID != tenantID {
		return parley.Errorf(parley.ENOTFOUND, "account not found")
	}
	if e, err := s.store.EntryByAccount(ctx, id); err == nil {
		return parley.Errorf(parley.ECONFLICT, "account %q is the page of scenario entry %q; detach it first", a.Name, e.Name)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return err
	}
	defer s.cache.invalidate()
	return s.store.DeleteAccount(ctx, id)
}

// accountStatus turns accounts red after a credentials failure and green
// again after their credentials worked, releasing the messages held for
// them.
type accountStatus struct {
	store    statusStore
	logger   *slog.Logger
	released func()
	cache    *accountCache // dropped on a change, so the next read sees it
}

// statusStore records an account's state.
type statusStore interface {
	SetAccountStatus(ctx context.Context, id string, active bool, reason string) error
}

// red flips the account inactive; its outbound messages wait until its
// credentials work again.
func (a *accountStatus) red(ctx context.Context, acct *parley.Account, reason string) {
	if !acct.Active && acct.StatusReason == reason {
		return
	}
	err := a.store.SetAccountStatus(ctx, acct.ID, false, reason)
	a.cache.invalidate() // made or not: the next read sees the stored status
	if err != nil {
		a.logger.Error("mark account inactive", slog.String("account", acct.Name), slog.Any("err", err))
		return
	}
	a.logger.Warn("account marked inactive: credentials error", slog.String("account", acct.Name), slog.String("reason", reason))
}

// green flips the account back and wakes the outbox for what it held.
func (a *accountStatus) green(ctx context.Context, acct *parley.Account) error {
	if acct.Active {
		return nil
	}
	err := a.store.SetAccountStatus(ctx, acct.ID, true, "")
	a.cache.invalidate()
	if err != nil {
		return fmt.Errorf("mark account active: %w", err)
	}
	a.logger.Info("account active again", slog.String("account", acct.Name))
	a.released()
	return nil
}
