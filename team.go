package parley

import (
	"context"
	"strings"
	"unicode/utf8"
)

// MaxTeamName and MaxTeamDescription bound a team's name and description
// (in characters).
const (
	MaxTeamName        = 60
	MaxTeamDescription = 300
)

// Team groups agents (and the supervisors who watch them). A user belongs
// to at most one team (User.TeamID).
type Team struct {
	ID          string
	TenantID    string
	Name        string // unique per tenant
	Description string
}

// Validate reports the first invalid field.
func (t *Team) Validate() error {
	switch n := utf8.RuneCountInString(t.Name); {
	case strings.TrimSpace(t.Name) == "":
		return Errorf(EINVALID, "team name required")
	case n > MaxTeamName:
		return Errorf(EINVALID, "team %q: name: %d characters, at most %d", t.Name, n, MaxTeamName)
	}
	if n := utf8.RuneCountInString(t.Description); n > MaxTeamDescription {
		return Errorf(EINVALID, "team %q: description: %d characters, at most %d", t.Name, n, MaxTeamDescription)
	}
	return nil
}

// TeamStore keeps teams.
type TeamStore interface {
	// UpsertTeam creates or updates the team with t.TenantID and t.Name
	// (its description) and sets t.ID.
	UpsertTeam(ctx context.Context, t *Team) error
	// UpdateTeam renames the team t.ID and sets its description;
	// ENOTFOUND if there is none, ECONFLICT if another team of the tenant
	// has the name.
	UpdateTeam(ctx context.Context, t *Team) error
	Team(ctx context.Context, id string) (*Team, error)
	// Teams lists the tenant's teams ordered by name.
	Teams(ctx context.Context, tenantID string) ([]*Team, error)
	// DeleteTeam deletes the team; its members are left without a team.
	DeleteTeam(ctx context.Context, id string) error
}
