package conversation

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

// DefaultHealthInterval is how often every page is checked.
const DefaultHealthInterval = 10 * time.Minute

// firstHealthCheck is how long after start the first check runs.
const firstHealthCheck = 20 * time.Second

// WebhookFields are the page webhook fields Parley subscribes to.
var WebhookFields = []string{"messages", "messaging_postbacks", "messaging_optins", "messaging_referrals",
	"message_deliveries", "message_reads", "message_echoes", "message_reactions"}

// GenerateVerifyToken returns a strong random webhook verify token.
func GenerateVerifyToken() string { return "pv_" + rand.Text() + rand.Text() }

// ConnectionResult is the answer of Test Connection.
type ConnectionResult struct {
	Valid    bool   `json:"valid"`
	PageID   string `json:"page_id,omitempty"`
	PageName string `json:"page_name,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// TestConnection calls the Graph API's cheapest authenticated call with
// the token and checks it belongs to the page. For a stored account
// (acct.ID set) the outcome also sets its token health.
func (s *Service) TestConnection(ctx context.Context, acct *parley.Account) (ConnectionResult, error) {
	s.init()
	if acct.AccessToken == "" || acct.PageID == "" {
		return ConnectionResult{Reason: "page id and page access token are required"}, nil
	}
	client := messenger.Client{BaseURL: acct.APIBaseURL, HTTPClient: s.HTTPClient}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	page, err := client.Me(cctx, acct.AccessToken)
	res := ConnectionResult{PageID: page.ID, PageName: page.Name}
	var ge *messenger.GraphError
	switch {
	case err == nil && !graphID(page.ID):
		res = ConnectionResult{Reason: notGraphReason(0)}
		return res, nil
	case errors.As(err, &ge):
		res.Reason = graphErrorReason(ge)
	case err != nil:
		res.Reason = unreachableReason(err)
		return res, nil // says nothing about the token
	case page.ID != acct.PageID:
		res.Reason = fmt.Sprintf("the token belongs to page %s (%s), not to page %s", page.ID, page.Name, acct.PageID)
	default:
		res.Valid = true
	}
	if acct.ID != "" {
		if err := s.setTokenHealth(ctx, acct, res.Valid, res.Reason, ge); err != nil {
			return res, err
		}
	}
	return res, nil
}

// setTokenHealth flips a stored account after a token check. Only token
// errors (and a token of the wrong page) make it inactive.
func (s *Service) setTokenHealth(ctx context.Context, acct *parley.Account, valid bool, reason string, ge *messenger.GraphError) error {
	if valid {
		return s.markAccountActive(ctx, acct)
	}
	if ge == nil || ge.Class() == messenger.ClassToken {
		s.markAccountInactive(ctx, acct, reason)
	}
	return nil
}

// CheckHealth checks one page's token and webhook subscription,
// re-subscribes the app when the platform dropped it, and records the
// result.
func (s *Service) CheckHealth(ctx context.Context, acct *parley.Account) (*parley.AccountHealth, error) {
	s.init()
	h := &parley.AccountHealth{AccountID: acct.ID, CheckedAt: s.Clock.Now()}
	conn, err := s.TestConnection(ctx, acct)
	if err != nil {
		return nil, err
	}
	h.TokenOK, h.PageName = conn.Valid, conn.PageName
	if !conn.Valid {
		h.Error = conn.Reason
		return h, s.Store.SetAccountHealth(ctx, h)
	}
	client := messenger.Client{BaseURL: acct.APIBaseURL, HTTPClient: s.HTTPClient}
	cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	apps, err := client.SubscribedApps(cctx, acct.AccessToken, acct.PageID)
	if err != nil {
		h.Error = "cannot read the webhook subscription: " + graphReason(err)
		return h, s.Store.SetAccountHealth(ctx, h)
	}
	h.Subscribed = slices.ContainsFunc(apps, func(a messenger.SubscribedApp) bool {
		return slices.Contains(a.SubscribedFields, "messages")
	})
	if !h.Subscribed {
		if err := client.Subscribe(cctx, acct.AccessToken, acct.PageID, WebhookFields); err != nil {
			h.Error = "the app is not subscribed to the page's webhook and subscribing failed: " + graphReason(err)
		} else {
			h.Subscribed, h.Resubscribed = true, true
			s.Logger.Warn("webhook subscription was dropped; re-subscribed", slog.String("account", acct.Name))
		}
	}
	return h, s.Store.SetAccountHealth(ctx, h)
}

func graphReason(err error) string {
	var ge *messenger.GraphError
	if errors.As(err, &ge) {
		return ge.Message
	}
	return err.Error()
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
		accounts, err := s.Store.AccountsByType(ctx, parley.ChannelFacebook)
		if err != nil {
			s.Logger.Error("health check: list accounts", slog.Any("err", err))
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
	a.Type = parley.ChannelFacebook
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
