package sqlstore_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestHotPathStatements: the store calls every incoming event or API
// request makes cost one statement each (a known customer: no write
// transaction; a user: with their services).
func TestHotPathStatements(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		counted := func(what string, want int64, fn func()) {
			t.Helper()
			before := s.Queries()
			fn()
			if n := s.Queries() - before; n != want {
				t.Errorf("%s ran %d statements, want %d", what, n, want)
			}
		}

		c := &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "4711"}
		first, created, err := s.EnsureCustomer(ctx, c)
		must(t, err)
		if !created {
			t.Fatal("the first EnsureCustomer did not create the customer")
		}
		counted("EnsureCustomer of a known customer", 1, func() {
			again, created, err := s.EnsureCustomer(ctx, c)
			must(t, err)
			if created || again.ID != first.ID {
				t.Errorf("EnsureCustomer again = %s created=%v, want %s not created", again.ID, created, first.ID)
			}
		})

		var services []string
		for _, name := range []string{"Sales", "Billing", "Support"} {
			sv := &parley.Service{TenantID: "t1", Name: name}
			must(t, s.UpsertService(ctx, sv))
			services = append(services, sv.ID)
		}
		u := &parley.User{TenantID: "t1", Username: "alice", DisplayName: "Alice", Role: parley.RoleAgent, Capacity: 3, ServiceIDs: services}
		must(t, s.UpsertUser(ctx, u))
		loner := &parley.User{TenantID: "t1", Username: "bob", DisplayName: "Bob", Role: parley.RoleAgent, Capacity: 3}
		must(t, s.UpsertUser(ctx, loner))
		slices.Sort(services)
		counted("User", 1, func() {
			got, err := s.User(ctx, u.ID)
			must(t, err)
			if !slices.Equal(got.ServiceIDs, services) || got.DisplayName != "Alice" {
				t.Errorf("User = %q in %v, want Alice in %v", got.DisplayName, got.ServiceIDs, services)
			}
		})
		got, err := s.User(ctx, loner.ID)
		must(t, err)
		if len(got.ServiceIDs) != 0 {
			t.Errorf("a user of no service has services %v", got.ServiceIDs)
		}
		counted("UserDisplayName", 1, func() {
			name, err := s.UserDisplayName(ctx, u.ID)
			must(t, err)
			if name != "Alice" {
				t.Errorf("UserDisplayName = %q, want Alice", name)
			}
		})
		if _, err := s.UserDisplayName(ctx, "no-such-user"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Errorf("UserDisplayName of an unknown user: %v, want ENOTFOUND", err)
		}

		// A bot's message: the chat row and the next seq, then the
		// insert. SQLite reads both in one statement (its writer runs
		// one transaction at a time); PostgreSQL reads the seq after
		// locking the row, in a statement of its own.
		bot := newChat(t, s, "t1")
		want := int64(2)
		if strings.HasSuffix(t.Name(), "postgres") {
			want = 3
		}
		for i := range 2 {
			counted("AddMessage of a bot message", want, func() {
				m := &parley.Message{ChatID: bot.ID, Direction: parley.Outbound, Sender: parley.SenderBot, Kind: parley.KindText, Text: "hi"}
				must(t, s.AddMessage(ctx, m))
				if m.Seq != int64(i+1) {
					t.Errorf("bot message %d has seq %d", i+1, m.Seq)
				}
			})
		}
	})
}
