package config

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/parleycc/parley"
)

// Team declares a team of agents; users name it in their team field:
//
//	teams:
//	  - name: Tier 1
//	    description: First line, every service
//	users:
//	  - username: alice
//	    team: Tier 1
//
// A team the file no longer declares is left alone, as users and services
// are; Admin → Teams deletes it.
type Team struct {
	Name        string `yaml:"name,omitempty"`
	Description string `yaml:"description,omitempty"`
}

// validateTeams checks the teams and returns their names.
func (f *File) validateTeams() (map[string]bool, error) {
	names := map[string]bool{}
	for i, t := range f.Teams {
		switch {
		case strings.TrimSpace(t.Name) == "":
			return nil, f.errorf(f.line("teams", i, ""), "teams[%d].name: required", i)
		case names[t.Name]:
			return nil, f.errorf(f.line("teams", i, "name"), "teams[%d].name: duplicate %q", i, t.Name)
		}
		names[t.Name] = true
		if n := utf8.RuneCountInString(t.Name); n > parley.MaxTeamName {
			return nil, f.errorf(f.line("teams", i, "name"), "teams[%d].name: %d characters, at most %d", i, n, parley.MaxTeamName)
		}
		if n := utf8.RuneCountInString(t.Description); n > parley.MaxTeamDescription {
			return nil, f.errorf(f.line("teams", i, "description"), "teams[%d].description: %d characters, at most %d", i, n, parley.MaxTeamDescription)
		}
	}
	return names, nil
}

// applyTeams stores the file's teams and returns their ids by name.
func (f *File) applyTeams(ctx context.Context, st parley.Store) (map[string]string, error) {
	ids := map[string]string{}
	for _, t := range f.Teams {
		m := &parley.Team{TenantID: f.TenantID(), Name: t.Name, Description: t.Description}
		if err := st.UpsertTeam(ctx, m); err != nil {
			return nil, fmt.Errorf("config: apply team %q: %w", t.Name, err)
		}
		ids[t.Name] = m.ID
	}
	return ids, nil
}

func (x *exporter) teams() error {
	teams, err := x.st.Teams(x.ctx, x.tenant)
	if err != nil {
		return err
	}
	for _, t := range teams {
		x.f.Teams = append(x.f.Teams, Team{Name: t.Name, Description: t.Description})
	}
	return nil
}
