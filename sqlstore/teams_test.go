package sqlstore_test

import (
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestTeams(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		tier1 := &parley.Team{TenantID: "t1", Name: "Tier 1"}
		must(t, s.UpsertTeam(ctx, tier1))
		again := &parley.Team{TenantID: "t1", Name: "Tier 1", Description: "first line"}
		must(t, s.UpsertTeam(ctx, again))
		if again.ID != tier1.ID {
			t.Fatalf("upsert by name made a second team: %s, %s", tier1.ID, again.ID)
		}
		other := &parley.Team{TenantID: "t2", Name: "Tier 1"}
		must(t, s.UpsertTeam(ctx, other)) // names are unique per tenant
		spec := &parley.Team{TenantID: "t1", Name: "Specialists"}
		must(t, s.UpsertTeam(ctx, spec))

		ts, err := s.Teams(ctx, "t1")
		must(t, err)
		if len(ts) != 2 || ts[0].Name != "Specialists" || ts[1].Name != "Tier 1" || ts[1].Description != "first line" {
			t.Fatalf("Teams = %+v", ts)
		}

		u := newAgent(t, s, "t1", "ann")
		u.TeamID = tier1.ID
		must(t, s.UpsertUser(ctx, u))
		got, err := s.User(ctx, u.ID)
		must(t, err)
		if got.TeamID != tier1.ID || got.TeamName != "Tier 1" {
			t.Fatalf("user's team: %q %q", got.TeamID, got.TeamName)
		}
		u.TeamID = "no-such-team"
		if err := s.UpsertUser(ctx, u); parley.ErrorCode(err) != parley.EINVALID {
			t.Fatalf("unknown team: %v, want EINVALID", err)
		}

		// Rename; a taken name conflicts; a team of another tenant is not found.
		tier1.Name = "First line"
		must(t, s.UpdateTeam(ctx, tier1))
		if got, _ := s.User(ctx, u.ID); got.TeamName != "First line" {
			t.Fatalf("after rename the user's team is %q", got.TeamName)
		}
		if err := s.UpdateTeam(ctx, &parley.Team{ID: tier1.ID, TenantID: "t1", Name: "Specialists"}); parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("rename to a taken name: %v, want ECONFLICT", err)
		}
		if err := s.UpdateTeam(ctx, &parley.Team{ID: other.ID, TenantID: "t1", Name: "Mine"}); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("rename another tenant's team: %v, want ENOTFOUND", err)
		}
		if err := s.UpsertTeam(ctx, &parley.Team{TenantID: "t1", Name: " "}); parley.ErrorCode(err) != parley.EINVALID {
			t.Fatalf("blank name: %v, want EINVALID", err)
		}

		// Deleting a team leaves its members without one.
		must(t, s.DeleteTeam(ctx, tier1.ID))
		got, err = s.User(ctx, u.ID)
		must(t, err)
		if got.TeamID != "" || got.TeamName != "" {
			t.Fatalf("member of a deleted team: %q %q", got.TeamID, got.TeamName)
		}
		if _, err := s.Team(ctx, tier1.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("deleted team: %v, want ENOTFOUND", err)
		}
		if err := s.DeleteTeam(ctx, tier1.ID); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("delete twice: %v, want ENOTFOUND", err)
		}
	})
}
