package web

import (
	"context"
	"net/http"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// accountJSON is an integration account as the Admin page sees it. Secrets
// are never sent back: only whether they are set and the token's tail.
type accountJSON struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	Type           string      `json:"type"`
	PageID         string      `json:"page_id"`
	PageUsername   string      `json:"page_username"`
	TokenHint      string      `json:"access_token_hint"`
	AppSecretSet   bool        `json:"app_secret_set"`
	VerifyTokenSet bool        `json:"verify_token_set"`
	HumanAgent     bool        `json:"human_agent"`
	APIBaseURL     string      `json:"api_base_url,omitempty"`
	Active         bool        `json:"active"`
	StatusReason   string      `json:"status_reason,omitempty"`
	Entry          string      `json:"entry,omitempty"`
	Health         *healthJSON `json:"health,omitempty"`
	UpdatedAt      time.Time   `json:"updated_at"`
}

// healthJSON is the last channel health check.
type healthJSON struct {
	CheckedAt    time.Time `json:"checked_at"`
	TokenOK      bool      `json:"token_ok"`
	Subscribed   bool      `json:"subscribed"`
	Resubscribed bool      `json:"resubscribed"`
	PageName     string    `json:"page_name,omitempty"`
	Error        string    `json:"error,omitempty"`
}

// accountInput is what the Admin page posts. Empty secrets on update keep
// the stored ones.
type accountInput struct {
	Name         string `json:"name"`
	PageID       string `json:"page_id"`
	PageUsername string `json:"page_username"`
	AccessToken  string `json:"access_token"`
	AppSecret    string `json:"app_secret"`
	VerifyToken  string `json:"verify_token"`
	HumanAgent   bool   `json:"human_agent"`
	APIBaseURL   string `json:"api_base_url"`
}

func (in accountInput) account(tenantID, id string) *parley.Account {
	return &parley.Account{ID: id, TenantID: tenantID, Name: in.Name, Type: parley.ChannelFacebook, PageID: in.PageID,
		PageUsername: in.PageUsername, AccessToken: in.AccessToken, AppSecret: in.AppSecret, VerifyToken: in.VerifyToken,
		HumanAgent: in.HumanAgent, APIBaseURL: in.APIBaseURL}
}

func (s *Server) accountView(ctx context.Context, a *parley.Account) accountJSON {
	v := accountJSON{ID: a.ID, Name: a.Name, Type: a.Type, PageID: a.PageID, PageUsername: a.PageUsername,
		AppSecretSet: a.AppSecret != "", VerifyTokenSet: a.VerifyToken != "", HumanAgent: a.HumanAgent,
		APIBaseURL: a.APIBaseURL, Active: a.Active, StatusReason: a.StatusReason, UpdatedAt: a.UpdatedAt}
	if n := len(a.AccessToken); n > 4 {
		v.TokenHint = "…" + a.AccessToken[n-4:]
	} else if n > 0 {
		v.TokenHint = "set"
	}
	if e, err := s.Store.EntryByAccount(ctx, a.ID); err == nil {
		v.Entry = e.Name
	}
	if h, err := s.Store.AccountHealth(ctx, a.ID); err == nil {
		v.Health = &healthJSON{CheckedAt: h.CheckedAt, TokenOK: h.TokenOK, Subscribed: h.Subscribed,
			Resubscribed: h.Resubscribed, PageName: h.PageName, Error: h.Error}
	}
	return v
}

func (s *Server) adminAccountsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_accounts", "Integration accounts")
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	accounts, err := s.Store.Accounts(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]accountJSON, 0, len(accounts))
	for _, a := range accounts {
		out = append(out, s.accountView(r.Context(), a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out})
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	s.saveAccount(w, r, "")
}

func (s *Server) updateAccount(w http.ResponseWriter, r *http.Request) {
	s.saveAccount(w, r, r.PathValue("id"))
}

func (s *Server) saveAccount(w http.ResponseWriter, r *http.Request, id string) {
	var in accountInput
	if !s.readJSON(w, r, &in) {
		return
	}
	u := userFrom(r.Context())
	a := in.account(u.TenantID, id)
	if err := s.checkBaseURL(a.APIBaseURL, s.storedBaseURL(r.Context(), u.TenantID, id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Conversations.SaveAccount(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.Store.Account(r.Context(), a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.accountView(r.Context(), a))
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	if err := s.Conversations.DeleteAccount(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) generateVerifyToken(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"verify_token": conversation.GenerateVerifyToken()})
}

// testConnection tests the token of the form (not yet saved) or, with
// only an id, of a stored account, whose health it then updates. Empty
// form fields take the stored account's values.
func (s *Server) testConnection(w http.ResponseWriter, r *http.Request) {
	var in struct {
		accountInput
		ID string `json:"id"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	u := userFrom(r.Context())
	a := in.account(u.TenantID, "")
	if err := s.checkBaseURL(a.APIBaseURL, s.storedBaseURL(r.Context(), u.TenantID, in.ID)); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.ID != "" {
		stored, err := s.Store.Account(r.Context(), in.ID)
		if err != nil || stored.TenantID != u.TenantID {
			s.writeError(w, r, parley.Errorf(parley.ENOTFOUND, "account not found"))
			return
		}
		same := (a.AccessToken == "" || a.AccessToken == stored.AccessToken) && (a.PageID == "" || a.PageID == stored.PageID)
		if a.AccessToken == "" {
			a.AccessToken = stored.AccessToken
		}
		if a.PageID == "" {
			a.PageID = stored.PageID
		}
		if a.APIBaseURL == "" {
			a.APIBaseURL = stored.APIBaseURL
		}
		if same {
			a = stored // testing what is stored: the result is its health
		}
	}
	res, err := s.Conversations.TestConnection(r.Context(), a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// storedBaseURL is the Graph API base URL stored for the tenant's account
// id ("" for a new or unknown account).
func (s *Server) storedBaseURL(ctx context.Context, tenantID, id string) string {
	if id == "" {
		return ""
	}
	a, err := s.Store.Account(ctx, id)
	if err != nil || a.TenantID != tenantID {
		return ""
	}
	return a.APIBaseURL
}

// checkAccount runs the channel health check of one account now.
func (s *Server) checkAccount(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	a, err := s.Store.Account(r.Context(), r.PathValue("id"))
	if err != nil || a.TenantID != u.TenantID {
		s.writeError(w, r, parley.Errorf(parley.ENOTFOUND, "account not found"))
		return
	}
	if _, err := s.Conversations.CheckHealth(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	if a, err = s.Store.Account(r.Context(), a.ID); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.accountView(r.Context(), a))
}

// channelHealth lists every account's state for supervisors (and admins):
// active token, webhook subscription, last check.
func (s *Server) channelHealth(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	accounts, err := s.Store.Accounts(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	type channel struct {
		Name         string      `json:"name"`
		Type         string      `json:"type"`
		PageID       string      `json:"page_id"`
		PageUsername string      `json:"page_username,omitempty"`
		Active       bool        `json:"active"`
		StatusReason string      `json:"status_reason,omitempty"`
		Health       *healthJSON `json:"health,omitempty"`
	}
	out := make([]channel, 0, len(accounts))
	for _, a := range accounts {
		v := s.accountView(r.Context(), a)
		out = append(out, channel{Name: a.Name, Type: a.Type, PageID: a.PageID, PageUsername: a.PageUsername,
			Active: a.Active, StatusReason: a.StatusReason, Health: v.Health})
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out})
}
