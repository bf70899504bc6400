package config_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestApplyTeams: the file's teams are created, then updated by name; a
// user's team is what the file says (none when it says none); a team the
// file no longer declares is left alone, as users and services are.
func TestApplyTeams(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		applyYAML := func(doc string) {
			t.Helper()
			f, err := config.Parse("teams.yaml", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			f.PasswordCost = bcrypt.MinCost
			if err := f.Apply(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		teamOf := func(username string) string {
			t.Helper()
			u, err := st.UserByUsername(ctx, parley.DefaultTenant, username)
			if err != nil {
				t.Fatal(err)
			}
			return u.TeamName
		}
		applyYAML(`
teams:
  - name: Tier 1
  - name: Specialists
    description: Billing and refunds
users:
  - {username: alice, password: alice-pass, team: Tier 1}
  - {username: bob, password: bob-pass, team: Specialists}
`)
		teams, err := st.Teams(ctx, parley.DefaultTenant)
		if err != nil {
			t.Fatal(err)
		}
		if len(teams) != 2 || teams[0].Name != "Specialists" || teams[0].Description != "Billing and refunds" || teams[1].Name != "Tier 1" {
			t.Fatalf("teams after the first apply: %+v", teams)
		}
		if a, b := teamOf("alice"), teamOf("bob"); a != "Tier 1" || b != "Specialists" {
			t.Fatalf("alice in %q, bob in %q", a, b)
		}

		applyYAML(`
teams:
  - name: Tier 1
    description: First line
users:
  - {username: alice, password: alice-pass}
  - {username: bob, password: bob-pass, team: Tier 1}
`)
		again, err := st.Teams(ctx, parley.DefaultTenant)
		if err != nil {
			t.Fatal(err)
		}
		if len(again) != 2 || again[1].ID != teams[1].ID || again[1].Description != "First line" || again[0].ID != teams[0].ID {
			t.Fatalf("teams after the second apply: %+v (Specialists stays, Tier 1 keeps its id)", again)
		}
		if a, b := teamOf("alice"), teamOf("bob"); a != "" || b != "Tier 1" {
			t.Fatalf("alice in %q, bob in %q; want none and Tier 1", a, b)
		}
	})
}
