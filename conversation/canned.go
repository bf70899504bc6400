package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
)

// Canned responses (issue 10): a tenant's global list, each service's list
// and each agent's personal list. Admins and supervisors manage the global
// and service lists, every user their own personal list; nobody ever sees
// another user's personal responses.

// manager reports whether u may manage the global and service lists.
func manager(u *parley.User) bool {
	return u.Role == parley.RoleSupervisor || u.Role == parley.RoleAdmin
}

// CannedResponses lists the responses u may use: the global ones, those
// of u's services (every service for supervisors and admins) and u's
// personal ones. A chatID limits the service responses to that chat's
// service.
func (s *Service) CannedResponses(ctx context.Context, u *parley.User, chatID string) ([]*parley.CannedResponse, error) {
	list, err := s.Store.CannedResponses(ctx, u.TenantID, u.ID)
	if err != nil {
		return nil, err
	}
	service := ""
	if chatID != "" {
		chat, err := s.AgentChat(ctx, u, chatID)
		if err != nil {
			return nil, err
		}
		service = chat.ServiceID
	}
	out := make([]*parley.CannedResponse, 0, len(list))
	for _, c := range list {
		switch {
		case c.Scope == parley.CannedPersonal && c.OwnerID != u.ID: // the store never returns them; belt and braces
		case c.Scope == parley.CannedService && service != "" && c.ServiceID != service:
		case c.Scope == parley.CannedService && !manager(u) && !slices.Contains(u.ServiceIDs, c.ServiceID):
		default:
			out = append(out, c)
		}
	}
	return out, nil
}

// SaveCannedResponse creates (c.ID empty) or updates a response after
// checking that u may write its list and that its text names only known
// variables. A personal response always belongs to u.
func (s *Service) SaveCannedResponse(ctx context.Context, u *parley.User, c *parley.CannedResponse) error {
	c.TenantID = u.TenantID
	if c.Scope == parley.CannedPersonal {
		c.OwnerID = u.ID
	} else {
		c.OwnerID = ""
	}
	if c.Scope != parley.CannedService {
		c.ServiceID = ""
	}
	if c.ID != "" {
		old, err := s.cannedFor(ctx, u, c.ID)
		if err != nil {
			return err
		}
		if err := s.mayWriteCanned(ctx, u, old); err != nil {
			return err
		}
		if old.FromConfig {
			return parley.Errorf(parley.ECONFLICT, "/%s is declared in the configuration file; change it there", old.Shortcut)
		}
	}
	if err := c.Validate(); err != nil {
		return err
	}
	if err := s.mayWriteCanned(ctx, u, c); err != nil {
		return err
	}
	if err := s.CheckCannedVariables(ctx, u.TenantID, c); err != nil {
		return err
	}
	c.FromConfig = false
	return s.Store.SaveCannedResponse(ctx, c)
}

// DeleteCannedResponse removes a response u may write.
func (s *Service) DeleteCannedResponse(ctx context.Context, u *parley.User, id string) error {
	c, err := s.cannedFor(ctx, u, id)
	if err != nil {
		return err
	}
	if err := s.mayWriteCanned(ctx, u, c); err != nil {
		return err
	}
	if c.FromConfig {
		return parley.Errorf(parley.ECONFLICT, "/%s is declared in the configuration file; remove it there", c.Shortcut)
	}
	return s.Store.DeleteCannedResponse(ctx, id)
}

// cannedFor loads a response u may see; another user's personal response
// is not found, so its existence is not revealed.
func (s *Service) cannedFor(ctx context.Context, u *parley.User, id string) (*parley.CannedResponse, error) {
	c, err := s.Store.CannedResponse(ctx, id)
	if err != nil || c.TenantID != u.TenantID || (c.Scope == parley.CannedPersonal && c.OwnerID != u.ID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "canned response not found")
	}
	return c, nil
}

func (s *Service) mayWriteCanned(ctx context.Context, u *parley.User, c *parley.CannedResponse) error {
	switch {
	case c.Scope == parley.CannedPersonal:
		return nil
	case !manager(u):
		return parley.Errorf(parley.EFORBIDDEN, "only supervisors and admins manage the global and service lists; agents keep personal responses")
	case c.Scope == parley.CannedService:
		svc, err := s.Store.Service(ctx, c.ServiceID)
		if err != nil || svc.TenantID != u.TenantID {
			return parley.Errorf(parley.EINVALID, "service not found")
		}
	}
	return nil
}

// CheckCannedVariables rejects a response whose text or button URLs name
// a variable no chat of the tenant can have, naming it.
func (s *Service) CheckCannedVariables(ctx context.Context, tenantID string, c *parley.CannedResponse) error {
	known, err := s.knownVariables(ctx, tenantID)
	if err != nil {
		return err
	}
	return c.CheckVariables(known)
}

// knownVariables is every chat's variables and those the tenant's
// scenarios set.
func (s *Service) knownVariables(ctx context.Context, tenantID string) (map[string]bool, error) {
	entries, err := s.Store.Entries(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	var defs []scenario.Definition
	seen := map[string]bool{}
	for _, e := range entries {
		if e.ScenarioName == "" || seen[e.ScenarioName] {
			continue
		}
		seen[e.ScenarioName] = true
		v, err := s.Store.LatestScenario(ctx, tenantID, e.ScenarioName)
		if parley.ErrorCode(err) == parley.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		var d scenario.Definition
		if err := json.Unmarshal(v.Definition, &d); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", e.ScenarioName, err)
		}
		defs = append(defs, d)
	}
	return scenario.KnownVariables(defs...), nil
}

// FilledCanned is a canned response made ready for one chat: its
// variables filled.
type FilledCanned struct {
	ID           string                    `json:"id"`
	Shortcut     string                    `json:"shortcut"`
	Text         string                    `json:"text"`
	Attachments  []parley.CannedAttachment `json:"attachments,omitempty"`
	QuickReplies []string                  `json:"quick_replies,omitempty"`
	Buttons      []parley.CannedButton     `json:"buttons,omitempty"`
}

// FillCanned fills a response u may use with the variables of a chat u
// may work on: the scenario's, the customer's contact fields and the
// agent's name.
func (s *Service) FillCanned(ctx context.Context, u *parley.User, chatID, cannedID string) (*FilledCanned, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	c, err := s.cannedFor(ctx, u, cannedID)
	if err != nil {
		return nil, err
	}
	if c.Scope == parley.CannedService && !manager(u) && !slices.Contains(u.ServiceIDs, c.ServiceID) {
		return nil, parley.Errorf(parley.ENOTFOUND, "canned response not found")
	}
	vars, err := s.chatVariables(ctx, chat, u)
	if err != nil {
		return nil, err
	}
	out := &FilledCanned{ID: c.ID, Shortcut: c.Shortcut, Text: scenario.Expand(c.Text, vars), QuickReplies: c.QuickReplies}
	for _, b := range c.Buttons {
		b.URL, b.Payload = scenario.Expand(b.URL, vars), scenario.Expand(b.Payload, vars)
		out.Buttons = append(out.Buttons, b)
	}
	for _, a := range c.Attachments {
		a.URL = scenario.Expand(a.URL, vars)
		out.Attachments = append(out.Attachments, a)
	}
	return out, nil
}

// chatVariables are the values $(variables) take for a chat: its scenario
// variables, the customer's current name and contact fields (the
// scenario's answer wins when the customer gave one) and the agent's name.
func (s *Service) chatVariables(ctx context.Context, chat *parley.Chat, agent *parley.User) (map[string]string, error) {
	vars := map[string]string{}
	for k, v := range chat.Scenario.Vars {
		vars[k] = v
	}
	cust, err := s.Store.Customer(ctx, chat.CustomerID)
	if err != nil {
		return nil, err
	}
	if cust.FirstName != "" {
		vars["first_name"], vars["last_name"] = cust.FirstName, cust.LastName
	}
	vars["customer_name"], vars["psid"] = cust.DisplayName(), cust.ExternalID
	contact, err := s.Store.CustomerContact(ctx, cust.ID)
	if err != nil {
		return nil, err
	}
	for k, v := range map[string]string{"email": contact.Email, "phone": contact.Phone} {
		if strings.TrimSpace(vars[k]) == "" {
			vars[k] = v
		}
	}
	for k, v := range contact.Fields {
		if _, taken := vars[k]; !taken {
			vars[k] = v
		}
	}
	if agent != nil {
		vars["agent_name"] = agent.DisplayName
	}
	return vars, nil
}

// SendCannedAttachments queues a response's attachments to the customer
// of u's connected chat, one message each, after the text the composer
// sent.
func (s *Service) SendCannedAttachments(ctx context.Context, u *parley.User, chatID, cannedID string) ([]*parley.Message, error) {
	filled, err := s.FillCanned(ctx, u, chatID, cannedID)
	if err != nil {
		return nil, err
	}
	if len(filled.Attachments) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "/%s has no attachments", filled.Shortcut)
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	chat, err := s.agentConnected(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if err := s.checkReach(ctx, chat, parley.SenderAgent); err != nil {
		return nil, err
	}
	var out []*parley.Message
	for _, a := range filled.Attachments {
		att := AttachmentJSON{Type: a.Type, URL: a.URL, Name: a.Name}
		name := a.Name
		if name == "" {
			name = a.URL
		}
		m, err := s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderAgent, AgentID: u.ID, Kind: parley.KindAttachment,
			Text: name, Payload: string(mustJSON(map[string]any{"attachments": []AttachmentJSON{att}}))})
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}
