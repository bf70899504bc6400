package app_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/parleycc/parley/conversation"
)

// TestAdminTeams: an admin creates a team, puts a user in it from the
// users API, renames it (refused from a stale version or to a taken
// name) and deletes it, which leaves its member without a team; the
// supervisor view shows each agent's team; every change is audited, and
// supervisors may do none of it.
func TestAdminTeams(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam := w.login("ada", "ada-pass"), w.login("sam", "sam-pass")
			const teams = "/api/admin/teams"

			ada.expect(http.StatusBadRequest, "name required", http.MethodPost, teams, map[string]string{"name": "  "}, nil)
			sam.expect(http.StatusForbidden, "", http.MethodPost, teams, map[string]string{"name": "Tier 1"}, nil)
			sam.expect(http.StatusForbidden, "", http.MethodGet, teams, nil, nil)

			var tier1, spec conversation.AdminTeamView
			ada.expect(http.StatusCreated, "", http.MethodPost, teams, map[string]string{"name": " Tier 1 ", "description": "First line"}, &tier1)
			if tier1.ID == "" || tier1.Name != "Tier 1" || tier1.Description != "First line" || len(tier1.Members) != 0 || tier1.Version == "" {
				t.Fatalf("created %+v", tier1)
			}
			ada.expect(http.StatusConflict, "already", http.MethodPost, teams, map[string]string{"name": "Tier 1"}, nil)
			ada.expect(http.StatusCreated, "", http.MethodPost, teams, map[string]string{"name": "Specialists"}, &spec)

			// Put alice in Tier 1 from the users API.
			var list conversation.AdminUserList
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/users", nil, &list)
			if !slices.Equal(list.Teams, []string{"Specialists", "Tier 1"}) {
				t.Fatalf("the users list offers teams %v", list.Teams)
			}
			i := slices.IndexFunc(list.Users, func(u conversation.AdminUserView) bool { return u.Username == "alice" })
			alice := list.Users[i]
			edit := map[string]any{"display_name": alice.DisplayName, "role": alice.Role, "capacity": alice.Capacity,
				"services": alice.Services, "skills": alice.Skills, "team": "Tier 9", "version": alice.Version}
			ada.expect(http.StatusBadRequest, `no team named "Tier 9"`, http.MethodPut, "/api/admin/users/"+alice.ID, edit, nil)
			edit["team"] = "Tier 1"
			var edited conversation.AdminUserView
			ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/users/"+alice.ID, edit, &edited)
			if edited.Team != "Tier 1" || edited.Version == alice.Version {
				t.Fatalf("alice after the edit: %+v", edited)
			}
			var listed struct{ Teams []conversation.AdminTeamView }
			ada.expect(http.StatusOK, "", http.MethodGet, teams, nil, &listed)
			if len(listed.Teams) != 2 || listed.Teams[1].Name != "Tier 1" || !slices.Equal(listed.Teams[1].Members, []string{"alice"}) {
				t.Fatalf("teams %+v", listed.Teams)
			}
			var sup conversation.SupervisorView
			sam.expect(http.StatusOK, "", http.MethodGet, "/api/supervisor", nil, &sup)
			if j := slices.IndexFunc(sup.Agents, func(a conversation.UserJSON) bool { return a.Username == "alice" }); j < 0 || sup.Agents[j].Team != "Tier 1" {
				t.Fatalf("the supervisor's agents: %+v", sup.Agents)
			}

			// Rename: a stale version and a taken name are refused.
			rename := map[string]string{"name": "First line", "description": "Every service", "version": "stale"}
			ada.expect(http.StatusConflict, "changed by someone else", http.MethodPut, teams+"/"+tier1.ID, rename, nil)
			rename["version"] = tier1.Version
			rename["name"] = "Specialists"
			ada.expect(http.StatusConflict, "already", http.MethodPut, teams+"/"+tier1.ID, rename, nil)
			rename["name"] = "First line"
			sam.expect(http.StatusForbidden, "", http.MethodPut, teams+"/"+tier1.ID, rename, nil)
			var renamed conversation.AdminTeamView
			ada.expect(http.StatusOK, "", http.MethodPut, teams+"/"+tier1.ID, rename, &renamed)
			if renamed.Name != "First line" || renamed.Description != "Every service" || !slices.Equal(renamed.Members, []string{"alice"}) {
				t.Fatalf("renamed %+v", renamed)
			}
			ada.expect(http.StatusConflict, "", http.MethodPut, teams+"/"+tier1.ID, rename, nil) // the old version again
			var aliceNow conversation.AdminUserView
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/users/"+alice.ID, nil, &aliceNow)
			if aliceNow.Team != "First line" {
				t.Fatalf("alice's team after the rename: %q", aliceNow.Team)
			}

			// Delete: the member is left without a team.
			sam.expect(http.StatusForbidden, "", http.MethodDelete, teams+"/"+tier1.ID, nil, nil)
			ada.expect(http.StatusNoContent, "", http.MethodDelete, teams+"/"+tier1.ID, nil, nil)
			ada.expect(http.StatusNotFound, "", http.MethodDelete, teams+"/"+tier1.ID, nil, nil)
			ada.expect(http.StatusNotFound, "", http.MethodPut, teams+"/"+tier1.ID, rename, nil)
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/users/"+alice.ID, nil, &aliceNow)
			if aliceNow.Team != "" {
				t.Fatalf("alice's team after the delete: %q", aliceNow.Team)
			}

			var trail struct {
				Entries []struct {
					Action string
					Object string `json:"object_name"`
				}
			}
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/audit", nil, &trail)
			var actions []string
			for _, e := range trail.Entries {
				if e.Object == "Tier 1" || e.Object == "First line" || e.Object == "Specialists" {
					actions = append(actions, e.Action+" "+e.Object)
				}
			}
			want := []string{"team.delete First line", "team.update First line", "team.create Specialists", "team.create Tier 1"}
			if !slices.Equal(actions, want) {
				t.Errorf("audit trail %v, want %v", actions, want)
			}
		})
	}
}
