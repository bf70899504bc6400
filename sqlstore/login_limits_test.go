package sqlstore_test

import (
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

func TestLoginLimits(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		const acct, addr = `account:"default":"alice"`, "address:192.0.2.7"
		must(t, s.UpdateLoginLimit(ctx, acct, func(l *parley.LoginLimit) {
			if l.Subject != acct || l.Failures != 0 || !l.WindowStart.IsZero() {
				t.Errorf("new record = %+v", l)
			}
			l.Failures, l.WindowStart, l.LockedUntil = 3, at(10), at(20)
		}))
		// Concurrent failures (two nodes) are all counted.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				if err := s.UpdateLoginLimit(ctx, addr, func(l *parley.LoginLimit) { l.Failures++; l.WindowStart = at(5) }); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		got, err := s.LoginLimits(ctx, acct, addr, "address:unknown")
		must(t, err)
		want := []parley.LoginLimit{ // by subject
			{Subject: acct, Failures: 3, WindowStart: at(10), LockedUntil: at(20)},
			{Subject: addr, Failures: 8, WindowStart: at(5)},
		}
		if len(got) != len(want) {
			t.Fatalf("LoginLimits = %+v, want %+v", got, want)
		}
		for i := range want {
			if g := got[i]; g.Subject != want[i].Subject || g.Failures != want[i].Failures ||
				!g.WindowStart.Equal(want[i].WindowStart) || !g.LockedUntil.Equal(want[i].LockedUntil) {
				t.Errorf("record %d = %+v, want %+v", i, g, want[i])
			}
		}
		// A record left empty is deleted.
		must(t, s.UpdateLoginLimit(ctx, acct, func(l *parley.LoginLimit) { *l = parley.LoginLimit{Subject: l.Subject} }))
		got, err = s.LoginLimits(ctx, acct)
		must(t, err)
		if len(got) != 0 {
			t.Errorf("cleared record still there: %+v", got)
		}
	})
}
