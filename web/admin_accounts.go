package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
)

// accountJSON is an integration account as the Admin page sees it. Secrets
// are never sent back: only whether they are set and the token's tail.
type accountJSON struct {
	ID             string            `json:"id"`
	Name           string            `json:"name"`
	Type           string            `json:"type"`
	PageID         string            `json:"page_id"`
	PageUsername   string            `json:"page_username"`
	TokenHint      string            `json:"access_token_hint"`
	AppSecretSet   bool              `json:"app_secret_set"`
	VerifyTokenSet bool              `json:"verify_token_set"`
	HumanAgent     bool              `json:"human_agent"`
	APIBaseURL     string            `json:"api_base_url,omitempty"`
	Settings       map[string]string `json:"settings"`
	SecretsSet     []string          `json:"secret_settings_set"`
	WebhookURL     string            `json:"webhook_url"`
	Active         bool              `json:"active"`
	StatusReason   string            `json:"status_reason,omitempty"`
	Entry          string            `json:"entry,omitempty"`
	Health         *healthJSON       `json:"health,omitempty"`
	UpdatedAt      time.Time         `json:"updated_at"`
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
	Name         string            `json:"name"`
	Type         string            `json:"type"`
	PageID       string            `json:"page_id"`
	PageUsername string            `json:"page_username"`
	AccessToken  string            `json:"access_token"`
	AppSecret    string            `json:"app_secret"`
	VerifyToken  string            `json:"verify_token"`
	HumanAgent   bool              `json:"human_agent"`
	APIBaseURL   string            `json:"api_base_url"`
	Settings     map[string]string `json:"settings"`
}

func (in accountInput) account(tenantID, id string) *parley.Account {
	typ := in.Type
	if typ == "" {
		typ = parley.ChannelFacebook
	}
	return &parley.Account{ID: id, TenantID: tenantID, Name: in.Name, Type: typ, PageID: in.PageID,
		PageUsername: in.PageUsername, AccessToken: in.AccessToken, AppSecret: in.AppSecret, VerifyToken: in.VerifyToken,
		HumanAgent: in.HumanAgent, APIBaseURL: in.APIBaseURL, Settings: in.Settings}
}

func (s *Server) accountView(r *http.Request, v *conversation.AccountView) accountJSON {
	a := v.Account
	out := accountJSON{ID: a.ID, Name: a.Name, Type: a.Type, PageID: a.PageID, PageUsername: a.PageUsername,
		AppSecretSet: a.AppSecret != "", VerifyTokenSet: a.VerifyToken != "", HumanAgent: a.HumanAgent,
		APIBaseURL: a.APIBaseURL, Active: a.Active, StatusReason: a.StatusReason, UpdatedAt: a.UpdatedAt,
		Entry: v.Entry, Settings: map[string]string{}, SecretsSet: []string{}, WebhookURL: s.webhookURL(r, a)}
	if n := len(a.AccessToken); n > 4 {
		out.TokenHint = "…" + a.AccessToken[n-4:]
	} else if n > 0 {
		out.TokenHint = "set"
	}
	for k, val := range a.Settings {
		if parley.SecretSetting(k) {
			out.SecretsSet = append(out.SecretsSet, k)
		} else {
			out.Settings[k] = val
		}
	}
	sort.Strings(out.SecretsSet)
	if h := v.Health; h != nil {
		out.Health = &healthJSON{CheckedAt: h.CheckedAt, TokenOK: h.TokenOK, Subscribed: h.Subscribed,
			Resubscribed: h.Resubscribed, PageName: h.PageName, Error: h.Error}
	}
	return out
}

// webhookURL is the URL to paste on the platform's side for the account.
func (s *Server) webhookURL(r *http.Request, a *parley.Account) string {
	if a.Type == parley.ChannelFacebook {
		return s.publicURL(r) + "/webhooks/facebook"
	}
	return s.publicURL(r) + "/webhooks/" + a.Type + "/" + a.ID
}

// publicURL is how platforms reach this server: the configured public URL,
// else the address the admin's browser used.
func (s *Server) publicURL(r *http.Request) string {
	if s.PublicURL != "" {
		return s.PublicURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) adminAccountsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "admin_accounts", "Integration accounts")
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request) {
	views, err := s.Conversations.Accounts.List(r.Context(), userFrom(r.Context()).TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]accountJSON, 0, len(views))
	for _, v := range views {
		out = append(out, s.accountView(r, v))
	}
	writeJSON(w, http.StatusOK, map[string]any{"accounts": out, "types": s.Conversations.Channels.Types()})
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
	if err := s.checkBaseURL(a.APIBaseURL, s.storedBaseURL(r, id)); err != nil {
		s.writeError(w, r, err)
		return
	}
	var before any
	if id != "" {
		if old, err := s.Conversations.Accounts.Get(r.Context(), u.TenantID, id); err == nil {
			before = s.accountView(r, old)
		}
	}
	if err := s.Conversations.SaveAccount(r.Context(), a); err != nil {
		s.writeError(w, r, err)
		return
	}
	v, err := s.Conversations.Accounts.Get(r.Context(), u.TenantID, a.ID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	action := "account.update"
	if id == "" {
		action = "account.create"
	}
	s.audited(r, audit.Change{Action: action, ObjectType: "account", ObjectID: a.ID, ObjectName: a.Name, Before: before, After: s.accountView(r, v)})
	status := http.StatusOK
	if id == "" {
		status = http.StatusCreated
	}
	writeJSON(w, status, s.accountView(r, v))
}

func (s *Server) deleteAccount(w http.ResponseWriter, r *http.Request) {
	tenant, id := userFrom(r.Context()).TenantID, r.PathValue("id")
	var before any
	name := ""
	if old, err := s.Conversations.Accounts.Get(r.Context(), tenant, id); err == nil {
		before, name = s.accountView(r, old), old.Account.Name
	}
	if err := s.Conversations.DeleteAccount(r.Context(), tenant, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "account.delete", ObjectType: "account", ObjectID: id, ObjectName: name, Before: before})
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) generateVerifyToken(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"verify_token": conversation.GenerateVerifyToken()})
}

// testConnection tests the credentials of the form (not yet saved) or,
// with an id, of a stored account, whose empty form fields take the
// stored values; testing exactly what is stored updates its health.
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
	if err := s.checkBaseURL(a.APIBaseURL, s.storedBaseURL(r, in.ID)); err != nil {
		s.writeError(w, r, err)
		return
	}
	res, err := s.Conversations.Accounts.TestForm(r.Context(), u.TenantID, in.ID, a)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// storedBaseURL is the API base URL stored for the user's account id (""
// for a new or unknown account).
func (s *Server) storedBaseURL(r *http.Request, id string) string {
	if id == "" {
		return ""
	}
	v, err := s.Conversations.Accounts.Get(r.Context(), userFrom(r.Context()).TenantID, id)
	if err != nil {
		return ""
	}
	return v.APIBaseURL
}

// checkAccount runs the channel health check of one account now.
func (s *Server) checkAccount(w http.ResponseWriter, r *http.Request) {
	v, err := s.Conversations.Accounts.CheckNow(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.accountView(r, v))
}

// setWebhook registers the account's webhook URL with its platform.
func (s *Server) setWebhook(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id := r.PathValue("id")
	v, err := s.Conversations.Accounts.Get(r.Context(), u.TenantID, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.Conversations.Accounts.SetWebhook(r.Context(), u.TenantID, id, s.webhookURL(r, v.Account)); err != nil {
		s.writeError(w, r, err)
		return
	}
	if v, err = s.Conversations.Accounts.Get(r.Context(), u.TenantID, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.accountView(r, v))
}

// websiteButton writes the website button of an account (Messenger: the
// Send to Messenger plugin and the m.me link) for the admin to copy. The
// form's app_id is used when given, else the one stored with the account.
func (s *Server) websiteButton(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AppID string `json:"app_id"`
		Ref   string `json:"ref"`
		Color string `json:"color"`
		Size  string `json:"size"`
	}
	if !s.readJSON(w, r, &in) {
		return
	}
	b, err := s.Conversations.Accounts.WebsiteButton(r.Context(), userFrom(r.Context()).TenantID, r.PathValue("id"),
		parley.ButtonOptions{AppID: in.AppID, Ref: in.Ref, Color: in.Color, Size: in.Size})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": b.HTML, "link": b.Link})
}

// channelHealth lists every account's state for supervisors (and admins):
// active token, webhook subscription, last check.
func (s *Server) channelHealth(w http.ResponseWriter, r *http.Request) {
	views, err := s.Conversations.Accounts.List(r.Context(), userFrom(r.Context()).TenantID)
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
	out := make([]channel, 0, len(views))
	for _, v := range views {
		j := s.accountView(r, v)
		out = append(out, channel{Name: j.Name, Type: j.Type, PageID: j.PageID, PageUsername: j.PageUsername,
			Active: j.Active, StatusReason: j.StatusReason, Health: j.Health})
	}
	writeJSON(w, http.StatusOK, map[string]any{"channels": out})
}
