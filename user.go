package parley

import "time"

// Roles a user can have.
const (
	RoleAgent      = "agent"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// Agent states.
const (
	StateOffline  = "offline"
	StateReady    = "ready"
	StateNotReady = "not_ready"
)

// User is a person who logs in: an agent, a supervisor or an admin.
type User struct {
	ID           string
	TenantID     string
	Username     string // unique per tenant
	DisplayName  string
	PasswordHash string
	Role         string
	Capacity     int      // chats handled at once
	ServiceIDs   []string // services the user is a member of
	TeamID       string   // the user's team, if any (team.go)
	TeamName     string   // the team's name, read with the user (UpsertUser ignores it)
	State        string
	StateSince   time.Time
	IdleSince    time.Time // when the agent last had no chat; routing favours the oldest
	// DeactivatedAt is when an admin deactivated the user (zero: active).
	// A deactivated user cannot sign in; their history stays.
	DeactivatedAt time.Time
}

// Active reports whether the user may sign in.
func (u *User) Active() bool { return u.DeactivatedAt.IsZero() }

// Validate reports the first invalid field.
func (u *User) Validate() error {
	switch {
	case u.Username == "":
		return Errorf(EINVALID, "username required")
	case u.Role != RoleAgent && u.Role != RoleSupervisor && u.Role != RoleAdmin:
		return Errorf(EINVALID, "user %q: role must be agent, supervisor or admin", u.Username)
	case u.Capacity < 0:
		return Errorf(EINVALID, "user %q: capacity must not be negative", u.Username)
	}
	return nil
}

// Session is a logged-in browser. Only the hash of its token is stored.
type Session struct {
	TokenHash string
	UserID    string
	TenantID  string
	CreatedAt time.Time
	ExpiresAt time.Time
	Address   string // the client's address at login
	UserAgent string // the browser at login, as it named itself
}
