package loadtest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley/config"
)

// Tenant is the bench tenant both sides agree on: the pages the customers
// write to, where the server finds its Graph API, and the agents.
type Tenant struct {
	Tenant string // tenant id; "" is the default tenant
	// Pages is how many pages the customers write to, spread evenly (0:
	// one). Messenger takes a few hundred sends a second from one page
	// (the outbox paces each page to 250), so replies to a higher rate
	// need as many pages as a business that size has.
	Pages       int
	PageID      string // the first page's; the others count up from it
	PageName    string
	PageToken   string // the first page's; the others' end in -2, -3, …
	AppSecret   string
	VerifyToken string
	GraphURL    string // the harness's fake Graph API, as the server reaches it
	Agents      int
	AgentPrefix string // agents are AgentPrefix001, AgentPrefix002, …
	Password    string // every agent's
	Capacity    int    // chats at once per agent
	Service     string
	Skill       string // the service requires it; every agent has it
	AutoAccept  bool   // routing assigns at once instead of offering
	// HashCost is the bcrypt cost of the agents' password hash (0:
	// bcrypt's default; tests lower it, hashing is slow under -race).
	HashCost int
}

// DefaultTenant is the tenant `parley bench config` writes and `parley
// bench run` expects unless told otherwise.
func DefaultTenant() Tenant {
	return Tenant{
		PageID: "100000000000777", PageName: "Bench", PageToken: "bench-page-token",
		AppSecret: "bench-app-secret", VerifyToken: "bench-verify",
		GraphURL: "http://127.0.0.1:8091", Agents: 20, AgentPrefix: "bench-agent-",
		Password: "bench-pass", Capacity: 10, Service: "Bench", Skill: "bench",
	}
}

// PageCount is how many pages there are (at least one).
func (t Tenant) PageCount() int { return max(t.Pages, 1) }

// Page is page i's id and access token (0-based).
func (t Tenant) Page(i int) (id, token string) {
	if i == 0 {
		return t.PageID, t.PageToken
	}
	n, err := strconv.ParseUint(t.PageID, 10, 64)
	if err != nil {
		return fmt.Sprintf("%s-%d", t.PageID, i+1), fmt.Sprintf("%s-%d", t.PageToken, i+1)
	}
	return strconv.FormatUint(n+uint64(i), 10), fmt.Sprintf("%s-%d", t.PageToken, i+1)
}

// CustomerPage is the id of the page customer i writes to.
func (t Tenant) CustomerPage(i int) string {
	id, _ := t.Page(i % t.PageCount())
	return id
}

// accountName is the configuration's name of page i's account.
func accountName(i int) string {
	if i == 0 {
		return "bench-page"
	}
	return fmt.Sprintf("bench-page-%d", i+1)
}

// AgentName is the username of agent i (1-based).
func (t Tenant) AgentName(i int) string { return fmt.Sprintf("%s%03d", t.AgentPrefix, i) }

// Validate checks the settings a configuration needs.
func (t Tenant) Validate() error {
	switch {
	case t.Agents < 1:
		return errors.New("at least one agent is needed")
	case t.Capacity < 1:
		return errors.New("agents' capacity must be at least 1")
	case t.Pages < 0 || t.Pages > 1000:
		return errors.New("pages must be between 1 and 1,000")
	case t.PageID == "" || t.PageToken == "" || t.AppSecret == "":
		return errors.New("page id, page token and app secret are required")
	case t.GraphURL == "":
		return errors.New("the fake Graph API's URL is required")
	}
	return nil
}

// Config returns a parley.yaml for the tenant: the page on the fake Graph
// API, the agents, a service and a scenario that connects every chat
// straight to an agent. It is checked as the server will check it.
func (t Tenant) Config() ([]byte, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	// One hash for all: hashing each agent at bcrypt's cost would take
	// the server seconds at every start (it keeps a hash that matches).
	cost := t.HashCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(t.Password), cost)
	if err != nil {
		return nil, fmt.Errorf("hash the agents' password: %w", err)
	}
	f := &config.File{
		Tenant: t.Tenant,
		Services: []config.Service{{Name: t.Service, Routing: &config.ServiceRouting{
			Skills: map[string]int{t.Skill: 50}, AutoAccept: t.AutoAccept,
			OfferTimeout: "10m", // the harness accepts every offer; a timeout would only hide a slow agent
		}}},
		Scenarios: []config.Scenario{{Name: "bench-connect", Blocks: []config.Block{
			{ID: "find", Type: "find_agent", Params: map[string]any{"service": t.Service}},
			{ID: "talk", Type: "connect_chat", Next: "end"},
			{ID: "end", Type: "exit"},
		}}},
	}
	for i := range t.PageCount() {
		id, token := t.Page(i)
		entry, username := "Bench Messenger", "bench"
		if i > 0 {
			entry, username = fmt.Sprintf("Bench Messenger %d", i+1), fmt.Sprintf("bench-%d", i+1)
		}
		f.Accounts = append(f.Accounts, config.Account{
			Name: accountName(i), Type: "facebook", PageID: id, PageUsername: username,
			AccessToken: token, AppSecret: t.AppSecret, VerifyToken: t.VerifyToken, APIBaseURL: t.GraphURL,
		})
		f.Entries = append(f.Entries, config.Entry{Name: entry, Account: accountName(i), Scenario: "bench-connect", Service: t.Service})
	}
	for i := 1; i <= t.Agents; i++ {
		f.Users = append(f.Users, config.User{
			Username: t.AgentName(i), DisplayName: fmt.Sprintf("Bench Agent %03d", i), PasswordHash: string(hash),
			Capacity: new(t.Capacity), Services: []string{t.Service}, Skills: map[string]int{t.Skill: 100},
		})
	}
	body, err := f.Marshal()
	if err != nil {
		return nil, fmt.Errorf("write the configuration: %w", err)
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "# Bench tenant for `parley bench run` (written by `parley bench config`).\n")
	fmt.Fprintf(&out, "# %d agents %s…, password %q, %d chats each; the page's Graph API is the\n",
		t.Agents, t.AgentName(1), t.Password, t.Capacity)
	fmt.Fprintf(&out, "# harness's fake at %s. Not for production: the password is public.\n", t.GraphURL)
	out.Write(body)
	if _, err := config.Parse("bench.yaml", out.Bytes()); err != nil {
		return nil, fmt.Errorf("the bench configuration does not validate: %w", err)
	}
	return out.Bytes(), nil
}
