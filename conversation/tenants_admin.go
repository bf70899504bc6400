package conversation

import (
	"context"
	"regexp"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
)

// Tenants are made by whoever runs the servers (the `parley admin create`
// command), not through the API: a tenant's admins see their tenant only.

var tenantPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

// NewAdmin is the first admin of a tenant, made from the command line.
type NewAdmin struct {
	Tenant      string // id; created when missing
	TenantName  string // shown name; empty: the id
	Username    string
	DisplayName string
	Password    string
	Cost        int // bcrypt cost; 0: bcrypt.DefaultCost
}

// CreateAdmin makes the tenant if it does not exist and an admin in it. A
// taken username is refused (ECONFLICT): reset a password in Admin → Users.
func CreateAdmin(ctx context.Context, st parley.Store, in NewAdmin) (*parley.User, error) {
	in.Tenant, in.Username = strings.TrimSpace(in.Tenant), strings.TrimSpace(in.Username)
	if in.Tenant == "" {
		in.Tenant = parley.DefaultTenant
	}
	if !tenantPattern.MatchString(in.Tenant) {
		return nil, parley.Errorf(parley.EINVALID, "tenant: %q must be 1 to 40 lower-case letters, digits or dashes", in.Tenant)
	}
	if !usernamePattern.MatchString(in.Username) {
		return nil, parley.Errorf(parley.EINVALID, "username: %q must be 2 to 64 lower-case letters, digits, dots, dashes or underscores", in.Username)
	}
	if err := checkPassword(in.Password); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.TenantName)
	if name == "" {
		name = in.Tenant
	}
	if err := st.EnsureTenant(ctx, &parley.Tenant{ID: in.Tenant, Name: name}); err != nil {
		return nil, err
	}
	if _, err := st.UserByUsername(ctx, in.Tenant, in.Username); err == nil {
		return nil, parley.Errorf(parley.ECONFLICT, "username: %q is taken in tenant %q", in.Username, in.Tenant)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	cost := in.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), cost)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "password: %v", err)
	}
	display := strings.TrimSpace(in.DisplayName)
	if display == "" {
		display = in.Username
	}
	u := &parley.User{TenantID: in.Tenant, Username: in.Username, DisplayName: display, Role: parley.RoleAdmin, PasswordHash: string(hash)}
	if err := st.UpsertUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// TenantCount is how many tenants there are: the login page asks for one
// when there are several.
func (s *Service) TenantCount(ctx context.Context) (int, error) {
	ts, err := s.Store.Tenants(ctx)
	return len(ts), err
}

// NotReadyReasonsView is what Admin shows of the tenant's Not Ready
// reasons: its own, or the built-in ones it falls back on.
type NotReadyReasonsView struct {
	Reasons []string `json:"reasons"`
	BuiltIn bool     `json:"built_in"` // the tenant has none of its own
}

// AdminNotReadyReasons returns the reasons the tenant's agents pick from.
func (s *Service) AdminNotReadyReasons(ctx context.Context, admin *parley.User) (*NotReadyReasonsView, error) {
	if err := adminOnly(admin, "manage Not Ready reasons"); err != nil {
		return nil, err
	}
	t, err := s.Store.Tenant(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	if len(t.NotReadyReasons) == 0 {
		return &NotReadyReasonsView{Reasons: DefaultNotReadyReasons, BuiltIn: true}, nil
	}
	return &NotReadyReasonsView{Reasons: t.NotReadyReasons}, nil
}

// SetNotReadyReasons replaces the tenant's reasons; an empty list goes
// back to the built-in ones. Agents Not Ready for a removed reason keep
// it until they change state.
func (s *Service) SetNotReadyReasons(ctx context.Context, admin *parley.User, reasons []string) (*NotReadyReasonsView, error) {
	if err := adminOnly(admin, "manage Not Ready reasons"); err != nil {
		return nil, err
	}
	clean := make([]string, 0, len(reasons))
	for _, r := range reasons {
		clean = append(clean, strings.TrimSpace(r))
	}
	if i, err := parley.CheckNotReadyReasons(clean); err != nil {
		if i >= 0 {
			return nil, parley.Errorf(parley.EINVALID, "reasons[%d]: %s", i, parley.ErrorMessage(err))
		}
		return nil, parley.Errorf(parley.EINVALID, "reasons: %s", parley.ErrorMessage(err))
	}
	if err := s.Store.SetNotReadyReasons(ctx, admin.TenantID, clean); err != nil {
		return nil, err
	}
	return s.AdminNotReadyReasons(ctx, admin)
}
