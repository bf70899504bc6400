package conversation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
)

// Users in Admin: admins create, edit, deactivate and reactivate users
// and reset passwords. parley.yaml declares users too; the file is
// applied over what it names (see config), so a reset password or a role
// changed here lasts until the file declares otherwise.

// MinPasswordLength is the shortest password an admin may set.
const MinPasswordLength = 8

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// UserInput is what an admin sets on a user. Services and the team are
// names; an empty team is none.
type UserInput struct {
	Username    string         `json:"username"`
	DisplayName string         `json:"display_name"`
	Role        string         `json:"role"`
	Capacity    int            `json:"capacity"`
	Services    []string       `json:"services"`
	Skills      map[string]int `json:"skills"`
	Team        string         `json:"team"`
	// Password is set when a user is created.
	Password string `json:"password,omitempty"`
	// Version is the version of the user the edit started from; an edit
	// of a user changed since is refused (ECONFLICT).
	Version string `json:"version,omitempty"`
}

// AdminUserView is a user as Admin shows it: never the password.
type AdminUserView struct {
	ID            string         `json:"id"`
	Username      string         `json:"username"`
	DisplayName   string         `json:"display_name"`
	Role          string         `json:"role"`
	Capacity      int            `json:"capacity"`
	Services      []string       `json:"services"`
	Skills        map[string]int `json:"skills"`
	Team          string         `json:"team"` // "" when none
	Active        bool           `json:"active"`
	DeactivatedAt *time.Time     `json:"deactivated_at,omitempty"`
	State         string         `json:"state"`
	Version       string         `json:"version"`
}

// AdminUserList is the tenant's users and the services and teams they
// may join.
type AdminUserList struct {
	Users    []AdminUserView `json:"users"`
	Services []string        `json:"services"`
	Teams    []string        `json:"teams"`
}

// AdminUsers lists the admin's tenant's users.
func (s *Service) AdminUsers(ctx context.Context, admin *parley.User) (*AdminUserList, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	users, err := s.Store.Users(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	names, services, err := s.serviceNames(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	routings, err := s.Store.AgentRoutings(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	teams, err := s.Store.Teams(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	out := &AdminUserList{Users: make([]AdminUserView, 0, len(users)), Services: make([]string, 0, len(services)), Teams: make([]string, 0, len(teams))}
	for _, t := range teams { // by name
		out.Teams = append(out.Teams, t.Name)
	}
	for _, u := range users {
		var skills map[string]int
		if r := routings[u.ID]; r != nil {
			skills = r.Skills
		}
		out.Users = append(out.Users, userView(u, names, skills))
	}
	for _, sv := range services {
		out.Services = append(out.Services, sv.Name)
	}
	slices.Sort(out.Services)
	return out, nil
}

// AdminUser returns one user of the admin's tenant (ENOTFOUND for another
// tenant's).
func (s *Service) AdminUser(ctx context.Context, admin *parley.User, id string) (*AdminUserView, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	u, err := s.tenantUser(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	return s.viewUser(ctx, u)
}

// CreateUser adds a user with a password to the admin's tenant.
func (s *Service) CreateUser(ctx context.Context, admin *parley.User, in UserInput) (*AdminUserView, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	in.Username = strings.TrimSpace(in.Username)
	if !usernamePattern.MatchString(in.Username) {
		return nil, parley.Errorf(parley.EINVALID, "username: %q must be 2 to 64 lower-case letters, digits, dots, dashes or underscores", in.Username)
	}
	if err := checkPassword(in.Password); err != nil {
		return nil, err
	}
	if _, err := s.Store.UserByUsername(ctx, admin.TenantID, in.Username); err == nil {
		return nil, parley.Errorf(parley.ECONFLICT, "username: %q is taken", in.Username)
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	u := &parley.User{TenantID: admin.TenantID, Username: in.Username}
	if err := s.fillUser(ctx, u, in); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), bcrypt.DefaultCost)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "password: %v", err)
	}
	u.PasswordHash = string(hash)
	return s.saveUser(ctx, u, in.Skills, "")
}

// UpdateUser changes a user's name, role, capacity, services and skills.
// An admin cannot take away their own admin role, nor leave the tenant
// without an active admin.
func (s *Service) UpdateUser(ctx context.Context, admin *parley.User, id string, in UserInput) (*AdminUserView, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	u, err := s.tenantUser(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	if err := s.checkVersion(ctx, u, in.Version); err != nil {
		return nil, err
	}
	if u.Role == parley.RoleAdmin && in.Role != parley.RoleAdmin {
		if u.ID == admin.ID {
			return nil, parley.Errorf(parley.EINVALID, "role: you cannot take away your own admin role; another admin can")
		}
		if err := s.keepAnAdmin(ctx, admin.TenantID, u.ID); err != nil {
			return nil, err
		}
	}
	u.PasswordHash = "" // kept
	if err := s.fillUser(ctx, u, in); err != nil {
		return nil, err
	}
	return s.saveUser(ctx, u, in.Skills, in.Version)
}

// DeactivateUser stops a user signing in: their sessions end, they are
// signed off (chats back in the queue with their place, offers
// withdrawn), and their history stays.
func (s *Service) DeactivateUser(ctx context.Context, admin *parley.User, id string) (*AdminUserView, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	u, err := s.tenantUser(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	if u.ID == admin.ID {
		return nil, parley.Errorf(parley.EINVALID, "you cannot deactivate yourself; another admin can")
	}
	if !u.Active() {
		return s.viewUser(ctx, u)
	}
	if u.Role == parley.RoleAdmin {
		if err := s.keepAnAdmin(ctx, admin.TenantID, u.ID); err != nil {
			return nil, err
		}
	}
	if err := s.Store.SetUserDeactivated(ctx, u.ID, s.Clock.Now()); err != nil {
		return nil, err
	}
	if err := s.SignOff(ctx, u); err != nil {
		return nil, fmt.Errorf("deactivate %s: sign off: %w", u.Username, err)
	}
	return s.AdminUser(ctx, admin, id)
}

// ReactivateUser lets a deactivated user sign in again.
func (s *Service) ReactivateUser(ctx context.Context, admin *parley.User, id string) (*AdminUserView, error) {
	if err := adminOnly(admin, "manage users"); err != nil {
		return nil, err
	}
	u, err := s.tenantUser(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	if err := s.Store.SetUserDeactivated(ctx, u.ID, time.Time{}); err != nil {
		return nil, err
	}
	return s.AdminUser(ctx, admin, id)
}

// ResetPassword sets a user's password; every session of theirs ends, so
// they sign in again with it.
func (s *Service) ResetPassword(ctx context.Context, admin *parley.User, id, password string) error {
	if err := adminOnly(admin, "manage users"); err != nil {
		return err
	}
	u, err := s.tenantUser(ctx, admin, id)
	if err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return parley.Errorf(parley.EINVALID, "password: %v", err)
	}
	u.PasswordHash = string(hash)
	if err := s.Store.UpsertUser(ctx, u); err != nil {
		return err
	}
	return s.Store.DeleteUserSessions(ctx, u.ID)
}

func adminOnly(u *parley.User, what string) error {
	if u == nil || u.Role != parley.RoleAdmin {
		return parley.Errorf(parley.EFORBIDDEN, "only admins %s", what)
	}
	return nil
}

func checkPassword(p string) error {
	if utf8.RuneCountInString(p) < MinPasswordLength {
		return parley.Errorf(parley.EINVALID, "password: at least %d characters", MinPasswordLength)
	}
	if len(p) > 72 {
		return parley.Errorf(parley.EINVALID, "password: at most 72 bytes")
	}
	return nil
}

// tenantUser loads a user of the admin's tenant; another tenant's is not
// found.
func (s *Service) tenantUser(ctx context.Context, admin *parley.User, id string) (*parley.User, error) {
	u, err := s.Store.User(ctx, id)
	if err == nil && u.TenantID != admin.TenantID {
		err = parley.Errorf(parley.ENOTFOUND, "user %s not found", id)
	}
	return u, err
}

// fillUser validates in and sets u's editable fields from it.
func (s *Service) fillUser(ctx context.Context, u *parley.User, in UserInput) error {
	if in.Role != parley.RoleAgent && in.Role != parley.RoleSupervisor && in.Role != parley.RoleAdmin {
		return parley.Errorf(parley.EINVALID, "role: %q is not agent, supervisor or admin", in.Role)
	}
	if in.Capacity < 0 || in.Capacity > 50 {
		return parley.Errorf(parley.EINVALID, "capacity: %d is not between 0 and 50 chats", in.Capacity)
	}
	for skill, level := range in.Skills {
		if strings.TrimSpace(skill) == "" || level < 0 || level > 100 {
			return parley.Errorf(parley.EINVALID, "skills: %q at level %d (a named skill, level 0 to 100)", skill, level)
		}
	}
	services, err := s.Store.Services(ctx, u.TenantID)
	if err != nil {
		return err
	}
	u.ServiceIDs = u.ServiceIDs[:0]
	for _, name := range in.Services {
		i := slices.IndexFunc(services, func(sv *parley.Service) bool { return sv.Name == name })
		if i < 0 {
			return parley.Errorf(parley.EINVALID, "services: no service named %q", name)
		}
		u.ServiceIDs = append(u.ServiceIDs, services[i].ID)
	}
	u.TeamID = ""
	if name := strings.TrimSpace(in.Team); name != "" {
		teams, err := s.Store.Teams(ctx, u.TenantID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(teams, func(t *parley.Team) bool { return t.Name == name })
		if i < 0 {
			return parley.Errorf(parley.EINVALID, "team: no team named %q", name)
		}
		u.TeamID = teams[i].ID
	}
	u.DisplayName = strings.TrimSpace(in.DisplayName)
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	u.Role, u.Capacity = in.Role, in.Capacity
	return nil
}

// saveUser writes the user and their skills in one transaction. An edit
// (version set) is compared with the user as stored in that transaction,
// under the user's lock: of two admins saving from one version, the
// second gets a 409.
func (s *Service) saveUser(ctx context.Context, u *parley.User, skills map[string]int, version string) (*AdminUserView, error) {
	if skills == nil {
		skills = map[string]int{}
	}
	var saved *AdminUserView
	err := s.Store.Atomically(ctx, "user:"+u.TenantID+":"+u.Username, func(tx parley.Store) error {
		if version != "" {
			stored, err := tx.User(ctx, u.ID)
			if err != nil {
				return err
			}
			cur, err := viewUserIn(ctx, tx, stored)
			if err != nil {
				return err
			}
			if err := checkEdit(u.Username, version, cur.Version); err != nil {
				return err
			}
		}
		if err := tx.UpsertUser(ctx, u); err != nil {
			return err
		}
		if err := tx.SetAgentSkills(ctx, u.ID, skills); err != nil {
			return err
		}
		stored, err := tx.User(ctx, u.ID)
		if err != nil {
			return err
		}
		saved, err = viewUserIn(ctx, tx, stored)
		return err
	})
	s.names.forget(u.ID)
	if err != nil {
		return nil, err
	}
	return saved, nil
}

// keepAnAdmin refuses a change that would leave the tenant without an
// active admin besides the user being changed.
func (s *Service) keepAnAdmin(ctx context.Context, tenantID, changing string) error {
	users, err := s.Store.Users(ctx, tenantID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.ID != changing && u.Role == parley.RoleAdmin && u.Active() {
			return nil
		}
	}
	return parley.Errorf(parley.EINVALID, "the tenant would have no active admin left")
}

// checkVersion refuses an edit that started from an older version.
func (s *Service) checkVersion(ctx context.Context, u *parley.User, version string) error {
	v, err := s.viewUser(ctx, u)
	if err != nil {
		return err
	}
	return checkEdit(u.Username, version, v.Version)
}

func (s *Service) viewUser(ctx context.Context, u *parley.User) (*AdminUserView, error) {
	return viewUserIn(ctx, s.Store, u)
}

// viewUserIn is viewUser reading st (a transaction's store).
func viewUserIn(ctx context.Context, st parley.Store, u *parley.User) (*AdminUserView, error) {
	names, _, err := serviceNamesIn(ctx, st, u.TenantID)
	if err != nil {
		return nil, err
	}
	r, err := st.AgentRouting(ctx, u.ID)
	var skills map[string]int
	if err == nil {
		skills = r.Skills
	} else if parley.ErrorCode(err) != parley.ENOTFOUND {
		return nil, err
	}
	v := userView(u, names, skills)
	return &v, nil
}

func userView(u *parley.User, serviceNames map[string]string, skills map[string]int) AdminUserView {
	v := AdminUserView{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Capacity: u.Capacity,
		Services: []string{}, Skills: map[string]int{}, Team: u.TeamName, Active: u.Active(), State: u.State}
	for _, id := range u.ServiceIDs {
		v.Services = append(v.Services, serviceNames[id])
	}
	slices.Sort(v.Services)
	for k, l := range skills {
		v.Skills[k] = l
	}
	if !u.Active() {
		at := u.DeactivatedAt
		v.DeactivatedAt = &at
	}
	// The version covers what an edit changes (not presence).
	v.Version = editVersion(v.DisplayName, v.Role, v.Capacity, v.Services, v.Skills, v.Active, v.Team)
	return v
}

// editVersion is the version of an object's editable fields: an edit sends
// back the one it started from, and checkEdit refuses it once they changed.
func editVersion(fields ...any) string {
	b, _ := json.Marshal(fields) // maps marshal with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// checkEdit refuses an edit of name that started from another version
// than current.
func checkEdit(name, sent, current string) error {
	if sent == "" {
		return parley.Errorf(parley.EINVALID, "version: send the version of %s you edited", name)
	}
	if sent != current {
		return parley.Errorf(parley.ECONFLICT, "%s was changed by someone else since you opened it; reload and edit again", name)
	}
	return nil
}
