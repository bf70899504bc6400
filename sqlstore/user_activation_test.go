package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestUserDeactivation: deactivating ends the user's sessions and lasts
// through a later upsert (a configuration file applied again);
// reactivating clears it.
func TestUserDeactivation(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		u := &parley.User{TenantID: "t1", Username: "dana", Role: parley.RoleAgent, PasswordHash: "h"}
		must(t, s.UpsertUser(ctx, u))
		must(t, s.CreateSession(ctx, &parley.Session{TokenHash: "tok", UserID: u.ID, TenantID: "t1", CreatedAt: at(0), ExpiresAt: at(3600)}))
		must(t, s.SetUserDeactivated(ctx, u.ID, at(10)))
		if _, err := s.Session(ctx, "tok", at(20)); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("session after deactivation: %v", err)
		}
		must(t, s.UpsertUser(ctx, &parley.User{TenantID: "t1", Username: "dana", Role: parley.RoleSupervisor}))
		got, err := s.UserByUsername(ctx, "t1", "dana")
		must(t, err)
		if got.Active() || !got.DeactivatedAt.Equal(at(10)) || got.Role != parley.RoleSupervisor {
			t.Fatalf("after upsert: active %v at %v role %s", got.Active(), got.DeactivatedAt, got.Role)
		}
		must(t, s.SetUserDeactivated(ctx, u.ID, time.Time{}))
		if got, err := s.User(ctx, u.ID); err != nil || !got.Active() {
			t.Fatalf("reactivated: %+v %v", got, err)
		}
		wantCode(t, s.SetUserDeactivated(ctx, "nobody", at(30)), parley.ENOTFOUND)
	})
}
