package conversation

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleycc/parley"
)

// AccountView is an account with what the Admin page shows beside it:
// the scenario entry that uses it and its last health check.
type AccountView struct {
	*parley.Account
	Entry  string
	Health *parley.AccountHealth
}

// accountViewStore reads what an AccountView adds.
type accountViewStore interface {
	AccountHealth(ctx context.Context, accountID string) (*parley.AccountHealth, error)
}

// List returns the tenant's accounts with their entries and health.
func (s *Accounts) List(ctx context.Context, tenantID string) ([]*AccountView, error) {
	accounts, err := s.store.Accounts(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out := make([]*AccountView, 0, len(accounts))
	for _, a := range accounts {
		v, err := s.view(ctx, a)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Get returns one account of the tenant; ENOTFOUND for another tenant's.
func (s *Accounts) Get(ctx context.Context, tenantID, id string) (*AccountView, error) {
	a, err := s.tenantAccount(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a)
}

// tenantAccount reads an account of the tenant. Another tenant's account
// is not found; a database error stays an error.
func (s *Accounts) tenantAccount(ctx context.Context, tenantID, id string) (*parley.Account, error) {
	a, err := s.store.Account(ctx, id)
	switch {
	case parley.ErrorCode(err) == parley.ENOTFOUND || (err == nil && a.TenantID != tenantID):
		return nil, parley.Errorf(parley.ENOTFOUND, "account not found")
	case err != nil:
		return nil, fmt.Errorf("read account: %w", err)
	}
	return a, nil
}

func (s *Accounts) view(ctx context.Context, a *parley.Account) (*AccountView, error) {
	v := &AccountView{Account: a}
	if e, err := s.store.EntryByAccount(ctx, a.ID); err == nil {
		v.Entry = e.Name
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, fmt.Errorf("entry of account %s: %w", a.Name, err)
	}
	if h, err := s.store.AccountHealth(ctx, a.ID); err == nil {
		v.Health = h
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, fmt.Errorf("health of account %s: %w", a.Name, err)
	}
	return v, nil
}

// CheckNow runs the health check of one of the tenant's accounts.
func (s *Accounts) CheckNow(ctx context.Context, tenantID, id string) (*AccountView, error) {
	a, err := s.tenantAccount(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.CheckHealth(ctx, a); err != nil {
		return nil, err
	}
	return s.Get(ctx, tenantID, id)
}

// TestForm tests the credentials of an Admin form: a new account, or
// (id set) a stored one whose empty fields take the stored values. Testing
// exactly what is stored also records its health.
func (s *Accounts) TestForm(ctx context.Context, tenantID, id string, form *parley.Account) (parley.ConnectionResult, error) {
	form.TenantID = tenantID
	if id == "" {
		return s.TestConnection(ctx, form)
	}
	stored, err := s.tenantAccount(ctx, tenantID, id)
	if err != nil {
		return parley.ConnectionResult{}, err
	}
	merged := mergeAccount(form, stored)
	if sameCredentials(merged, stored) {
		return s.TestConnection(ctx, stored)
	}
	merged.ID = ""
	return s.TestConnection(ctx, merged)
}

// SetWebhook registers url as the account's webhook with its platform,
// for channels that let us (Telegram, LINE, Viber).
func (s *Accounts) SetWebhook(ctx context.Context, tenantID, id, url string) error {
	a, err := s.tenantAccount(ctx, tenantID, id)
	if err != nil {
		return err
	}
	ch, err := s.channels.Get(a.Type)
	if err != nil {
		return err
	}
	ws, ok := ch.(parley.WebhookSetter)
	if !ok {
		return parley.Errorf(parley.EINVALID, "%s webhooks are set up on the platform's side; paste the URL there", a.Type)
	}
	if err := ws.SetWebhook(ctx, a, url); err != nil {
		return parley.Errorf(parley.ECONFLICT, "the platform refused the webhook: %s", parley.ErrorMessage(err))
	}
	if a.Settings == nil {
		a.Settings = map[string]string{}
	}
	a.Settings[parley.SettingWebhookURL] = url
	if err := s.store.UpsertAccount(ctx, a); err != nil {
		return fmt.Errorf("remember webhook url: %w", err)
	}
	s.cache.invalidate()
	return nil
}

// WebsiteButton writes the website button of one of the tenant's
// accounts (Messenger: the Send to Messenger plugin and the m.me link),
// for channels that have one. It changes nothing: the App ID is stored
// with the account when the account is saved.
func (s *Accounts) WebsiteButton(ctx context.Context, tenantID, id string, o parley.ButtonOptions) (*parley.WebsiteButton, error) {
	a, err := s.tenantAccount(ctx, tenantID, id)
	if err != nil {
		return nil, err
	}
	ch, err := s.channels.Get(a.Type)
	if err != nil {
		return nil, err
	}
	wb, ok := ch.(parley.WebsiteButtoner)
	if !ok {
		return nil, parley.Errorf(parley.EINVALID, "%s accounts have no website button", a.Type)
	}
	return wb.WebsiteButton(a, o)
}

// mergeAccount fills the form's empty fields from the stored account: the
// Admin page never receives secrets, so it sends them back empty.
func mergeAccount(form, stored *parley.Account) *parley.Account {
	m := *stored
	m.Settings = map[string]string{}
	for k, v := range stored.Settings {
		m.Settings[k] = v
	}
	for k, v := range form.Settings {
		if v != "" || !parley.SecretSetting(k) {
			m.Settings[k] = v
		}
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&m.PageID, form.PageID}, {&m.PageUsername, form.PageUsername}, {&m.AccessToken, form.AccessToken},
		{&m.AppSecret, form.AppSecret}, {&m.VerifyToken, form.VerifyToken}, {&m.APIBaseURL, form.APIBaseURL},
	} {
		if strings.TrimSpace(f.v) != "" {
			*f.dst = f.v
		}
	}
	return &m
}

func sameCredentials(a, b *parley.Account) bool {
	if a.AccessToken != b.AccessToken || a.AppSecret != b.AppSecret || a.PageID != b.PageID || a.APIBaseURL != b.APIBaseURL {
		return false
	}
	for k, v := range a.Settings {
		if b.Settings[k] != v {
			return false
		}
	}
	return len(a.Settings) == len(b.Settings)
}
