package sqlstore_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func newAgent(t *testing.T, s *sqlstore.Store, tenant, username string, serviceIDs ...string) *parley.User {
	t.Helper()
	u := &parley.User{TenantID: tenant, Username: username, DisplayName: username, PasswordHash: "h",
		Role: parley.RoleAgent, Capacity: 3, ServiceIDs: serviceIDs}
	must(t, s.UpsertUser(ctx, u))
	return u
}

func TestUsers(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		s1 := &parley.Service{TenantID: "t1", Name: "s1"}
		s2 := &parley.Service{TenantID: "t1", Name: "s2"}
		must(t, s.UpsertService(ctx, s1))
		must(t, s.UpsertService(ctx, s2))

		u := newAgent(t, s, "t1", "ann", s1.ID, s2.ID)
		if u.ID == "" || u.State != parley.StateOffline {
			t.Fatalf("new user: %+v", u)
		}
		got, err := s.User(ctx, u.ID)
		must(t, err)
		want := *u
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("User = %+v, want %+v", got, &want)
		}
		if len(got.ServiceIDs) != 2 {
			t.Fatalf("ServiceIDs = %v", got.ServiceIDs)
		}

		// Empty password hash keeps the stored one; state is untouched.
		must(t, setState(s, u.ID, parley.StateReady, at(1)))
		upd := &parley.User{TenantID: "t1", Username: "ann", DisplayName: "Ann B", Role: parley.RoleSupervisor,
			Capacity: 5, ServiceIDs: []string{s2.ID}}
		must(t, s.UpsertUser(ctx, upd))
		if upd.ID != u.ID || upd.State != parley.StateReady {
			t.Fatalf("update: %+v", upd)
		}
		got, err = s.UserByUsername(ctx, "t1", "ann")
		must(t, err)
		if got.PasswordHash != "h" || got.DisplayName != "Ann B" || got.Role != parley.RoleSupervisor ||
			got.Capacity != 5 || got.State != parley.StateReady || !reflect.DeepEqual(got.ServiceIDs, []string{s2.ID}) {
			t.Fatalf("after update: %+v", got)
		}
		upd.PasswordHash = "h2"
		must(t, s.UpsertUser(ctx, upd))
		got, _ = s.User(ctx, u.ID)
		if got.PasswordHash != "h2" {
			t.Fatalf("password hash not replaced: %q", got.PasswordHash)
		}

		wantCode(t, s.UpsertUser(ctx, &parley.User{TenantID: "t1", Username: "bad", Role: parley.RoleAgent,
			ServiceIDs: []string{"nope"}}), parley.EINVALID)

		newAgent(t, s, "t1", "bob")
		newAgent(t, s, "t2", "cat")
		us, err := s.Users(ctx, "t1")
		must(t, err)
		if len(us) != 2 || us[0].Username != "ann" || us[1].Username != "bob" || len(us[0].ServiceIDs) != 1 {
			t.Fatalf("Users = %+v", us)
		}

		// Deleting a service drops its memberships.
		must(t, s.DeleteService(ctx, s2.ID))
		got, _ = s.User(ctx, u.ID)
		if len(got.ServiceIDs) != 0 {
			t.Fatalf("ServiceIDs after service delete = %v", got.ServiceIDs)
		}

		must(t, s.DeleteUser(ctx, u.ID))
		_, err = s.User(ctx, u.ID)
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.UserByUsername(ctx, "t1", "ann")
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.DeleteUser(ctx, u.ID), parley.ENOTFOUND)
		wantCode(t, setState(s, u.ID, parley.StateReady, at(2)), parley.ENOTFOUND)
		wantCode(t, setState(s, "x", "dancing", at(2)), parley.EINVALID)
	})
}

func TestUserStateIdle(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		u := newAgent(t, s, "t1", "ann")
		get := func() *parley.User {
			t.Helper()
			got, err := s.User(ctx, u.ID)
			must(t, err)
			return got
		}
		steps := []struct {
			state     string
			at        int
			wantSince int
			wantIdle  int // -1: zero
		}{
			{parley.StateReady, 10, 10, 10},    // entering ready starts idle
			{parley.StateReady, 15, 10, 10},    // same state: nothing moves
			{parley.StateNotReady, 20, 20, 10}, // leaving keeps idle
			{parley.StateOffline, 30, 30, 10},
			{parley.StateReady, 40, 40, 10}, // idle already running
		}
		for i, st := range steps {
			must(t, setState(s, u.ID, st.state, at(st.at)))
			got := get()
			if got.State != st.state || !got.StateSince.Equal(at(st.wantSince)) || !got.IdleSince.Equal(at(st.wantIdle)) {
				t.Fatalf("step %d: state %s since %v idle %v", i, got.State, got.StateSince, got.IdleSince)
			}
		}

		// Assigned: idle stops, and becoming ready again does not start it.
		c := queuedChat(t, s, "t1", "svc", 0, at(50))
		must(t, assign(s, c.ID, u.ID, 3, at(60)))
		if !get().IdleSince.IsZero() {
			t.Fatal("assign did not clear IdleSince")
		}
		must(t, setState(s, u.ID, parley.StateNotReady, at(70)))
		must(t, setState(s, u.ID, parley.StateReady, at(80)))
		if !get().IdleSince.IsZero() {
			t.Fatal("ready with an assigned chat started IdleSince")
		}
		must(t, s.CloseChat(ctx, c.ID, at(90)))
		if !get().IdleSince.Equal(at(90)) {
			t.Fatalf("close: IdleSince = %v", get().IdleSince)
		}
	})
}

func TestSessions(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		u := newAgent(t, s, "t1", "ann")
		ss := &parley.Session{TokenHash: "hash1", UserID: u.ID, TenantID: "t1", CreatedAt: at(0), ExpiresAt: at(3600)}
		must(t, s.CreateSession(ctx, ss))
		got, err := s.Session(ctx, "hash1", at(10))
		must(t, err)
		if *got != *ss {
			t.Fatalf("Session = %+v, want %+v", got, ss)
		}
		_, err = s.Session(ctx, "hash1", at(3600))
		wantCode(t, err, parley.ENOTFOUND)
		_, err = s.Session(ctx, "nope", at(10))
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.CreateSession(ctx, &parley.Session{TokenHash: "hash1", UserID: u.ID, TenantID: "t1",
			CreatedAt: at(1), ExpiresAt: at(2)}), parley.ECONFLICT)
		wantCode(t, s.CreateSession(ctx, &parley.Session{TokenHash: "hash2", UserID: "ghost", TenantID: "t1",
			ExpiresAt: at(5)}), parley.ENOTFOUND)

		must(t, s.DeleteSession(ctx, "hash1"))
		must(t, s.DeleteSession(ctx, "hash1"))
		_, err = s.Session(ctx, "hash1", at(10))
		wantCode(t, err, parley.ENOTFOUND)

		// Deleting the user ends their sessions.
		must(t, s.CreateSession(ctx, &parley.Session{TokenHash: "hash3", UserID: u.ID, TenantID: "t1",
			CreatedAt: at(0), ExpiresAt: at(100)}))
		must(t, s.DeleteUser(ctx, u.ID))
		_, err = s.Session(ctx, "hash3", at(10))
		wantCode(t, err, parley.ENOTFOUND)
	})
}

func TestCustomers(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		in := &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "psid1", FirstName: "Jo", CreatedAt: at(0)}
		c, created, err := s.EnsureCustomer(ctx, in)
		must(t, err)
		if !created || c.ID == "" || c.FirstName != "Jo" || !c.CreatedAt.Equal(at(0)) {
			t.Fatalf("first EnsureCustomer: %+v created=%v", c, created)
		}
		again, created, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "psid1", FirstName: "X"})
		must(t, err)
		if created || again.ID != c.ID || again.FirstName != "Jo" {
			t.Fatalf("second EnsureCustomer: %+v created=%v", again, created)
		}
		other, created, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a2", ExternalID: "psid1"})
		must(t, err)
		if !created || other.ID == c.ID {
			t.Fatal("same PSID on another account must be another customer")
		}

		must(t, s.UpdateCustomerProfile(ctx, c.ID, "Joan", "Doe", "http://pic", at(5)))
		// The customer's messages move the last message time, never back.
		chat := &parley.Chat{TenantID: "t1", AccountID: "a1", CustomerID: c.ID}
		must(t, s.CreateChat(ctx, chat))
		for i, sent := range []time.Time{at(20), at(10)} {
			_, err := s.AddCustomerMessage(ctx, &parley.Message{ChatID: chat.ID, Direction: parley.Inbound, Sender: parley.SenderCustomer,
				Kind: parley.KindText, Text: "hi", ExternalID: fmt.Sprintf("mid.%d", i), PlatformTime: sent},
				func(*parley.Message) *parley.Event { return nil })
			must(t, err)
		}
		got, err := s.Customer(ctx, c.ID)
		must(t, err)
		want := parley.Customer{ID: c.ID, TenantID: "t1", AccountID: "a1", ExternalID: "psid1", FirstName: "Joan",
			LastName: "Doe", ProfilePic: "http://pic", ProfileFetchedAt: at(5), LastMessageAt: at(20), CreatedAt: at(0)}
		if *got != want {
			t.Fatalf("Customer = %+v, want %+v", got, want)
		}

		_, err = s.Customer(ctx, "nope")
		wantCode(t, err, parley.ENOTFOUND)
		wantCode(t, s.UpdateCustomerProfile(ctx, "nope", "", "", "", at(1)), parley.ENOTFOUND)

		// Concurrent first messages create one customer.
		type res struct {
			id      string
			created bool
			err     error
		}
		ch := make(chan res, 10)
		for range 10 {
			go func() {
				c, created, err := s.EnsureCustomer(ctx, &parley.Customer{TenantID: "t1", AccountID: "a1", ExternalID: "race"})
				if err != nil {
					ch <- res{err: err}
					return
				}
				ch <- res{c.ID, created, nil}
			}()
		}
		ids, creates := map[string]bool{}, 0
		for range 10 {
			r := <-ch
			must(t, r.err)
			ids[r.id] = true
			if r.created {
				creates++
			}
		}
		if len(ids) != 1 || creates != 1 {
			t.Fatalf("concurrent EnsureCustomer: %d ids, %d created", len(ids), creates)
		}
	})
}

// TestUserSessions: a user's live sessions are listed newest first with
// where they were opened, and one can be ended by its id, only by its
// own user.
func TestUserSessions(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		alice, bob := newAgent(t, s, "t1", "alice"), newAgent(t, s, "t1", "bob")
		for i, h := range []string{"old", "new", "expired"} {
			exp := at(3600)
			if h == "expired" {
				exp = at(5)
			}
			must(t, s.CreateSession(ctx, &parley.Session{TokenHash: h, UserID: alice.ID, TenantID: "t1", CreatedAt: at(i),
				ExpiresAt: exp, Address: "192.0.2.1", UserAgent: "Firefox"}))
		}
		must(t, s.CreateSession(ctx, &parley.Session{TokenHash: "bobs", UserID: bob.ID, TenantID: "t1", CreatedAt: at(0), ExpiresAt: at(3600)}))
		ss, err := s.UserSessions(ctx, alice.ID, at(10))
		must(t, err)
		if len(ss) != 2 || ss[0].TokenHash != "new" || ss[1].TokenHash != "old" || ss[0].Address != "192.0.2.1" || ss[0].UserAgent != "Firefox" {
			t.Fatalf("sessions = %+v", ss)
		}
		wantCode(t, s.DeleteUserSession(ctx, bob.ID, "old"), parley.ENOTFOUND) // not bob's
		must(t, s.DeleteUserSession(ctx, alice.ID, "old"))
		wantCode(t, s.DeleteUserSession(ctx, alice.ID, "old"), parley.ENOTFOUND)
		if ss, _ := s.UserSessions(ctx, alice.ID, at(10)); len(ss) != 1 {
			t.Fatalf("after revoking: %+v", ss)
		}
	})
}
