package loadtest

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley/config"
)

// Tenant is the bench tenant both sides agree on: the page the customers
// write to, where the server finds its Graph API, and the agents.
type Tenant struct {
	Tenant      string // tenant id; "" is the default tenant
	PageID      string
	PageName    string
	PageToken   string
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

// AgentName is the username of agent i (1-based).
func (t Tenant) AgentName(i int) string { return fmt.Sprintf("%s%03d", t.AgentPrefix, i) }

// Validate checks the settings a configuration needs.
func (t Tenant) Validate() error {
	switch {
	case t.Agents < 1:
		return errors.New("at least one agent is needed")
	case t.Capacity < 1:
		return errors.New("agents' capacity must be at least 1")
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
		Accounts: []config.Account{{
			Name: "bench-page", Type: "facebook", PageID: t.PageID, PageUsername: "bench",
			AccessToken: t.PageToken, AppSecret: t.AppSecret, VerifyToken: t.VerifyToken, APIBaseURL: t.GraphURL,
		}},
		Services: []config.Service{{Name: t.Service, Routing: &config.ServiceRouting{
			Skills: map[string]int{t.Skill: 50}, AutoAccept: t.AutoAccept,
			OfferTimeout: "10m", // the harness accepts every offer; a timeout would only hide a slow agent
		}}},
		Entries: []config.Entry{{Name: "Bench Messenger", Account: "bench-page", Scenario: "bench-connect", Service: t.Service}},
		Scenarios: []config.Scenario{{Name: "bench-connect", Blocks: []config.Block{
			{ID: "find", Type: "find_agent", Params: map[string]any{"service": t.Service}},
			{ID: "talk", Type: "connect_chat", Next: "end"},
			{ID: "end", Type: "exit"},
		}}},
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
