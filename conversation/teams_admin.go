package conversation

import (
	"context"
	"strings"

	"github.com/parleycc/parley"
)

// Teams in Admin: admins create, rename and delete teams and put users in
// them (Admin → Users). Deleting a team with members leaves them without a
// team; nothing else names a team. parley.yaml declares teams too.

// TeamInput is what an admin sets on a team.
type TeamInput struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Version is the version of the team the edit started from; an edit
	// of a team changed since is refused (ECONFLICT).
	Version string `json:"version,omitempty"`
}

// AdminTeamView is a team with its members' usernames.
type AdminTeamView struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Members     []string `json:"members"` // usernames, active or not
	Version     string   `json:"version"`
}

// AdminTeams lists the tenant's teams by name.
func (s *Service) AdminTeams(ctx context.Context, admin *parley.User) ([]AdminTeamView, error) {
	if err := adminOnly(admin, "manage teams"); err != nil {
		return nil, err
	}
	teams, err := s.Store.Teams(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	members, err := s.teamMembers(ctx, admin.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]AdminTeamView, 0, len(teams))
	for _, t := range teams {
		out = append(out, teamView(t, members[t.ID]))
	}
	return out, nil
}

// AdminTeam returns one team of the admin's tenant (ENOTFOUND for another
// tenant's).
func (s *Service) AdminTeam(ctx context.Context, admin *parley.User, id string) (*AdminTeamView, error) {
	if err := adminOnly(admin, "manage teams"); err != nil {
		return nil, err
	}
	t, err := s.tenantTeam(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	return s.viewTeam(ctx, t)
}

// CreateTeam adds a team to the admin's tenant; ECONFLICT if the name is
// taken.
func (s *Service) CreateTeam(ctx context.Context, admin *parley.User, in TeamInput) (*AdminTeamView, error) {
	if err := adminOnly(admin, "manage teams"); err != nil {
		return nil, err
	}
	return s.saveTeam(ctx, &parley.Team{TenantID: admin.TenantID}, in, s.Store.UpsertTeam)
}

// UpdateTeam renames a team and sets its description.
func (s *Service) UpdateTeam(ctx context.Context, admin *parley.User, id string, in TeamInput) (*AdminTeamView, error) {
	if err := adminOnly(admin, "manage teams"); err != nil {
		return nil, err
	}
	t, err := s.tenantTeam(ctx, admin, id)
	if err != nil {
		return nil, err
	}
	if err := checkEdit("team "+t.Name, in.Version, teamVersion(t)); err != nil {
		return nil, err
	}
	return s.saveTeam(ctx, t, in, s.Store.UpdateTeam)
}

// saveTeam sets t's name and description from in, checks them (a name
// another team of the tenant has is ECONFLICT) and writes t with write.
func (s *Service) saveTeam(ctx context.Context, t *parley.Team, in TeamInput, write func(context.Context, *parley.Team) error) (*AdminTeamView, error) {
	t.Name, t.Description = strings.TrimSpace(in.Name), strings.TrimSpace(in.Description)
	if err := t.Validate(); err != nil {
		return nil, err
	}
	teams, err := s.Store.Teams(ctx, t.TenantID)
	if err != nil {
		return nil, err
	}
	for _, o := range teams {
		if o.ID != t.ID && o.Name == t.Name {
			return nil, parley.Errorf(parley.ECONFLICT, "name: there is a team %q already", t.Name)
		}
	}
	if err := write(ctx, t); err != nil {
		return nil, err
	}
	return s.viewTeam(ctx, t)
}

// DeleteTeam deletes a team; its members are left without a team.
func (s *Service) DeleteTeam(ctx context.Context, admin *parley.User, id string) error {
	if err := adminOnly(admin, "manage teams"); err != nil {
		return err
	}
	if _, err := s.tenantTeam(ctx, admin, id); err != nil {
		return err
	}
	return s.Store.DeleteTeam(ctx, id)
}

// tenantTeam loads a team of the admin's tenant; another tenant's is not
// found.
func (s *Service) tenantTeam(ctx context.Context, admin *parley.User, id string) (*parley.Team, error) {
	t, err := s.Store.Team(ctx, id)
	if err == nil && t.TenantID != admin.TenantID {
		err = parley.Errorf(parley.ENOTFOUND, "team %s not found", id)
	}
	return t, err
}

// teamMembers maps each team id to its members' usernames.
func (s *Service) teamMembers(ctx context.Context, tenantID string) (map[string][]string, error) {
	users, err := s.Store.Users(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, u := range users { // by username
		if u.TeamID != "" {
			out[u.TeamID] = append(out[u.TeamID], u.Username)
		}
	}
	return out, nil
}

func (s *Service) viewTeam(ctx context.Context, t *parley.Team) (*AdminTeamView, error) {
	members, err := s.teamMembers(ctx, t.TenantID)
	if err != nil {
		return nil, err
	}
	v := teamView(t, members[t.ID])
	return &v, nil
}

func teamView(t *parley.Team, members []string) AdminTeamView {
	return AdminTeamView{ID: t.ID, Name: t.Name, Description: t.Description, Members: append([]string{}, members...), Version: teamVersion(t)}
}

// teamVersion is the version of what an edit of the team changes.
func teamVersion(t *parley.Team) string { return editVersion(t.Name, t.Description) }
