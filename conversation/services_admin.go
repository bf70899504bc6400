package conversation

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Services in Admin: an admin creates services and edits their limits,
// routing and desktop settings in one form. Thresholds are edited on the
// wallboard, members on the Users page. parley.yaml is applied over what
// it declares.

// RoutingSettings are a service's routing settings with durations in
// seconds, as the Admin form edits them.
type RoutingSettings struct {
	Strategy            string         `json:"strategy"`
	Skills              map[string]int `json:"skills"`
	OfferTimeoutSeconds int            `json:"offer_timeout_seconds"`
	AutoAccept          bool           `json:"auto_accept"`
	ACWLimitSeconds     int            `json:"acw_limit_seconds"`
	AbsentRule          string         `json:"absent_rule"`
	HandoffAfterSeconds int            `json:"handoff_after_seconds"`
	DropoutAfterSeconds int            `json:"dropout_after_seconds"`
}

func routingSettings(r parley.ServiceRouting) RoutingSettings {
	out := RoutingSettings{Strategy: r.Strategy, Skills: map[string]int{}, OfferTimeoutSeconds: int(r.OfferTimeout / time.Second),
		AutoAccept: r.AutoAccept, ACWLimitSeconds: int(r.ACWLimit / time.Second), AbsentRule: r.AbsentRule,
		HandoffAfterSeconds: int(r.HandoffAfter / time.Second), DropoutAfterSeconds: int(r.DropoutAfter / time.Second)}
	for k, v := range r.Skills {
		out.Skills[k] = v
	}
	return out
}

func (r RoutingSettings) domain() parley.ServiceRouting {
	sec := func(n int) time.Duration { return time.Duration(n) * time.Second }
	out := parley.ServiceRouting{Strategy: r.Strategy, OfferTimeout: sec(r.OfferTimeoutSeconds), AutoAccept: r.AutoAccept,
		ACWLimit: sec(r.ACWLimitSeconds), AbsentRule: r.AbsentRule, HandoffAfter: sec(r.HandoffAfterSeconds), DropoutAfter: sec(r.DropoutAfterSeconds)}
	if len(r.Skills) > 0 {
		out.Skills = r.Skills
	}
	return out
}

// ServiceInput is what an admin sets on a service.
type ServiceInput struct {
	Name             string             `json:"name,omitempty"` // set when the service is created
	MaxChatsPerAgent int                `json:"max_chats_per_agent"`
	MaxQueueLength   int                `json:"max_queue_length"`
	Routing          RoutingSettings    `json:"routing"`
	Desk             parley.ServiceDesk `json:"desk"`
	// Enabled: false switches the service off; absent keeps it as it is
	// (a new service is enabled).
	Enabled *bool `json:"enabled,omitempty"`
	// Schedule names the service's hours of operation; empty is always open.
	Schedule          string `json:"schedule"`
	AfterHoursMessage string `json:"after_hours_message"`
	// TicketFields replaces the extra questions of the service's ticket
	// form; absent keeps them as they are.
	TicketFields *[]parley.TicketField `json:"ticket_fields,omitempty"`
	// OutboundAccountID is the account the service's agents start chats
	// from ("" none); absent keeps it as it is.
	OutboundAccountID *string `json:"outbound_account_id,omitempty"`
	// Version is the version of the service the edit started from.
	Version string `json:"version,omitempty"`
}

// AdminServiceView is a service as Admin shows it.
type AdminServiceView struct {
	ID               string             `json:"id"`
	Name             string             `json:"name"`
	MaxChatsPerAgent int                `json:"max_chats_per_agent"`
	MaxQueueLength   int                `json:"max_queue_length"`
	Routing          RoutingSettings    `json:"routing"`
	Desk             parley.ServiceDesk `json:"desk"`
	Members          []string           `json:"members"` // usernames
	Enabled          bool               `json:"enabled"`
	Schedule         string             `json:"schedule"`
	// AfterHoursMessage is the service's own message; empty sends
	// DefaultAfterHoursMessage (shown as the field's placeholder).
	AfterHoursMessage string `json:"after_hours_message"`
	// TicketFields are the ticket form's extra questions, in order.
	TicketFields []parley.TicketField `json:"ticket_fields"`
	// OutboundAccountID is the account agents start chats from ("" none).
	OutboundAccountID string `json:"outbound_account_id"`
	Version           string `json:"version"`
}

// AdminServices lists the admin's tenant's services.
func (s *Service) AdminServices(ctx context.Context, admin *parley.User) ([]AdminServiceView, error) {
	if err := adminOnly(admin, "manage services"); err != nil {
		return nil, err
	}
	svcs, err := s.Store.Services(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	tv, err := tenantServiceData(ctx, s.Store, admin.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]AdminServiceView, 0, len(svcs))
	for _, sv := range svcs {
		v, err := viewService(ctx, s.Store, sv, tv)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	slices.SortFunc(out, func(a, b AdminServiceView) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// AdminService returns one service of the admin's tenant (ENOTFOUND for
// another tenant's).
func (s *Service) AdminService(ctx context.Context, admin *parley.User, id string) (*AdminServiceView, error) {
	if err := adminOnly(admin, "manage services"); err != nil {
		return nil, err
	}
	sv, err := s.tenantService(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	return loadServiceView(ctx, s.Store, sv)
}

// CreateService adds a service with the given settings.
func (s *Service) CreateService(ctx context.Context, admin *parley.User, in ServiceInput) (*AdminServiceView, error) {
	if err := adminOnly(admin, "manage services"); err != nil {
		return nil, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 60 {
		return nil, parley.Errorf(parley.EINVALID, "name: 1 to 60 characters")
	}
	// Checked in the save's transaction: two admins creating the same
	// name at once get one service and a 409, not one overwriting the other.
	unique := func(tx parley.Store) error {
		svcs, err := tx.Services(ctx, admin.TenantID)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(svcs, func(sv *parley.Service) bool { return strings.EqualFold(sv.Name, in.Name) }) {
			return parley.Errorf(parley.ECONFLICT, "name: a service named %q exists", in.Name)
		}
		return nil
	}
	return s.saveService(ctx, &parley.Service{TenantID: admin.TenantID, Name: in.Name}, in, unique)
}

// UpdateService changes a service's limits, routing and desktop settings;
// an edit that started from an older version is refused (ECONFLICT).
func (s *Service) UpdateService(ctx context.Context, admin *parley.User, id string, in ServiceInput) (*AdminServiceView, error) {
	if err := adminOnly(admin, "manage services"); err != nil {
		return nil, err
	}
	sv, err := s.tenantService(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	if in.Version == "" {
		return nil, checkEdit(sv.Name, "", "")
	}
	// Compared in the save's transaction, under the service's lock: of
	// two admins saving from the same version, the second gets a 409.
	unchanged := func(tx parley.Store) error {
		stored, err := tx.Service(ctx, sv.ID) // as it is now, not as the edit has it
		if err != nil {
			return err
		}
		cur, err := loadServiceView(ctx, tx, stored)
		if err != nil {
			return err
		}
		return checkEdit(sv.Name, in.Version, cur.Version)
	}
	return s.saveService(ctx, sv, in, unchanged)
}

// tenantService loads a service of the admin's tenant; another tenant's is
// not found.
func (s *Service) tenantService(ctx context.Context, admin *parley.User, id string) (*parley.Service, error) {
	sv, err := s.Store.Service(ctx, id)
	if err == nil && sv.TenantID != admin.TenantID {
		err = parley.Errorf(parley.ENOTFOUND, "service %s not found", id)
	}
	return sv, err
}

// saveService validates everything, then writes the service, its routing
// and its desktop settings in one transaction that first runs check (a
// version or name check) and reads the saved view back.
func (s *Service) saveService(ctx context.Context, sv *parley.Service, in ServiceInput, check func(tx parley.Store) error) (*AdminServiceView, error) {
	if in.MaxChatsPerAgent < 0 || in.MaxChatsPerAgent > 50 {
		return nil, parley.Errorf(parley.EINVALID, "max_chats_per_agent: %d is not between 0 (each agent's own capacity) and 50", in.MaxChatsPerAgent)
	}
	sv.MaxChatsPerAgent, sv.MaxQueueLength = in.MaxChatsPerAgent, in.MaxQueueLength
	if in.Enabled != nil {
		sv.Disabled = !*in.Enabled
	}
	sv.ScheduleName, sv.AfterHoursMessage = strings.TrimSpace(in.Schedule), strings.TrimSpace(in.AfterHoursMessage)
	if in.TicketFields != nil {
		sv.TicketFields = trimTicketFields(*in.TicketFields)
	}
	if sv.ScheduleName != "" {
		if _, err := s.Store.Schedule(ctx, sv.TenantID, sv.ScheduleName); parley.ErrorCode(err) == parley.ENOTFOUND {
			return nil, parley.Errorf(parley.EINVALID, "schedule: no schedule named %q", sv.ScheduleName)
		} else if err != nil {
			return nil, err
		}
	}
	if err := sv.Validate(); err != nil {
		return nil, err
	}
	r := in.Routing.domain()
	if err := r.Validate(); err != nil {
		return nil, err
	}
	for i, d := range in.Desk.Dispositions {
		in.Desk.Dispositions[i] = strings.TrimSpace(d)
	}
	if err := in.Desk.Validate(); err != nil {
		return nil, err
	}
	if in.OutboundAccountID != nil {
		if err := s.checkOutboundAccount(ctx, sv.TenantID, *in.OutboundAccountID); err != nil {
			return nil, err
		}
	}
	var saved *AdminServiceView
	err := s.Store.Atomically(ctx, "service:"+sv.TenantID+":"+strings.ToLower(sv.Name), func(tx parley.Store) error {
		if err := check(tx); err != nil {
			return err
		}
		if err := tx.UpsertService(ctx, sv); err != nil {
			return err
		}
		if in.OutboundAccountID != nil {
			if err := tx.SetServiceChatAccount(ctx, sv.ID, *in.OutboundAccountID); err != nil {
				return fmt.Errorf("service %s outbound account: %w", sv.Name, err)
			}
		}
		if err := tx.SetServiceRouting(ctx, sv.ID, r); err != nil {
			return err
		}
		if err := tx.SetServiceDesk(ctx, sv.ID, in.Desk); err != nil {
			return err
		}
		var err error
		saved, err = loadServiceView(ctx, tx, sv)
		return err
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// tenantServices is what every service's view reads of its tenant, read
// once for a whole list.
type tenantServices struct {
	routings map[string]parley.ServiceRouting
	users    []*parley.User
}

func tenantServiceData(ctx context.Context, st parley.Store, tenantID string) (tenantServices, error) {
	routings, err := st.ServiceRoutings(ctx, tenantID)
	if err != nil {
		return tenantServices{}, err
	}
	users, err := st.Users(ctx, tenantID)
	return tenantServices{routings: routings, users: users}, err
}

// loadServiceView is viewService for one service.
func loadServiceView(ctx context.Context, st parley.Store, sv *parley.Service) (*AdminServiceView, error) {
	tv, err := tenantServiceData(ctx, st, sv.TenantID)
	if err != nil {
		return nil, err
	}
	return viewService(ctx, st, sv, tv)
}

func viewService(ctx context.Context, st parley.Store, sv *parley.Service, tv tenantServices) (*AdminServiceView, error) {
	desk, err := st.ServiceDesk(ctx, sv.ID)
	if err != nil {
		return nil, err
	}
	if desk.Dispositions == nil {
		desk.Dispositions = []string{}
	}
	v := &AdminServiceView{ID: sv.ID, Name: sv.Name, MaxChatsPerAgent: sv.MaxChatsPerAgent, MaxQueueLength: sv.MaxQueueLength,
		Routing: routingSettings(effectiveRouting(tv.routings, sv.ID)), Desk: desk, Members: []string{},
		Enabled: !sv.Disabled, Schedule: sv.ScheduleName, AfterHoursMessage: sv.AfterHoursMessage, TicketFields: sv.TicketFields}
	if v.TicketFields == nil {
		v.TicketFields = []parley.TicketField{}
	}
	if v.OutboundAccountID, err = st.ServiceChatAccount(ctx, sv.ID); err != nil {
		return nil, fmt.Errorf("service %s outbound account: %w", sv.Name, err)
	}
	for _, u := range tv.users {
		if u.Active() && slices.Contains(u.ServiceIDs, sv.ID) {
			v.Members = append(v.Members, u.Username)
		}
	}
	v.Version = editVersion(v.MaxChatsPerAgent, v.MaxQueueLength, v.Routing, v.Desk, v.Enabled, v.Schedule, v.AfterHoursMessage, v.TicketFields, v.OutboundAccountID)
	return v, nil
}

// trimTicketFields drops the spaces a form leaves around names, labels
// and choices; nil for none.
func trimTicketFields(in []parley.TicketField) []parley.TicketField {
	if len(in) == 0 {
		return nil
	}
	out := make([]parley.TicketField, len(in))
	for i, f := range in {
		f.Name, f.Label, f.Type = strings.TrimSpace(f.Name), strings.TrimSpace(f.Label), strings.TrimSpace(f.Type)
		var choices []string
		for _, c := range f.Choices {
			choices = append(choices, strings.TrimSpace(c))
		}
		f.Choices = choices
		out[i] = f
	}
	return out
}

// checkOutboundAccount refuses an outbound account that is not one of the
// tenant's ("" clears it).
func (s *Service) checkOutboundAccount(ctx context.Context, tenantID, id string) error {
	if id == "" {
		return nil
	}
	acct, err := s.Store.Account(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && acct.TenantID != tenantID {
		return parley.Errorf(parley.EINVALID, "outbound_account_id: no account %s", id)
	}
	return err
}
