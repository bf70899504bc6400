package sqlstore_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestAtomicallyAllOrNothing: writes made through Atomically's Store are
// all kept when the function succeeds and none when it fails part way,
// and the function reads its own writes.
func TestAtomicallyAllOrNothing(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t1"}))
		failed := errors.New("the third write was refused")
		err := s.Atomically(ctx, "service:t1:Billing", func(tx parley.Store) error {
			sv := &parley.Service{TenantID: "t1", Name: "Billing", MaxChatsPerAgent: 2}
			if err := tx.UpsertService(ctx, sv); err != nil {
				return err
			}
			if err := tx.SetServiceRouting(ctx, sv.ID, parley.ServiceRouting{AutoAccept: true}); err != nil {
				return err
			}
			if _, err := tx.ServiceByName(ctx, "t1", "Billing"); err != nil {
				return err // its own write is visible inside
			}
			return failed
		})
		if !errors.Is(err, failed) {
			t.Fatalf("Atomically = %v, want the function's error", err)
		}
		if _, err := s.ServiceByName(ctx, "t1", "Billing"); parley.ErrorCode(err) != parley.ENOTFOUND {
			t.Fatalf("after a failed Atomically the service reads %v, want not found", err)
		}
		must(t, s.Atomically(ctx, "", func(tx parley.Store) error {
			sv := &parley.Service{TenantID: "t1", Name: "Billing", MaxChatsPerAgent: 2}
			if err := tx.UpsertService(ctx, sv); err != nil {
				return err
			}
			return tx.SetServiceRouting(ctx, sv.ID, parley.ServiceRouting{AutoAccept: true})
		}))
		sv, err := s.ServiceByName(ctx, "t1", "Billing")
		must(t, err)
		rs, err := s.ServiceRoutings(ctx, "t1")
		must(t, err)
		if sv.MaxChatsPerAgent != 2 || !rs[sv.ID].AutoAccept {
			t.Errorf("committed service = %+v, routing %+v", sv, rs[sv.ID])
		}
	})
}

// TestAtomicallyLockSerializes: saves holding the same lock read and write
// one after the other, so none overwrites another's change with a value
// it read before that change (a lost update).
func TestAtomicallyLockSerializes(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t1"}))
		must(t, s.UpsertService(ctx, &parley.Service{TenantID: "t1", Name: "Support"}))
		const saves = 12
		var wg sync.WaitGroup
		errs := make(chan error, saves)
		for range saves {
			wg.Go(func() {
				errs <- s.Atomically(context.Background(), "service:t1:Support", func(tx parley.Store) error {
					sv, err := tx.ServiceByName(ctx, "t1", "Support")
					if err != nil {
						return err
					}
					sv.MaxQueueLength++
					return tx.UpsertService(ctx, sv)
				})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		sv, err := s.ServiceByName(ctx, "t1", "Support")
		must(t, err)
		if sv.MaxQueueLength != saves {
			t.Errorf("after %d increments the queue length is %d: updates were lost", saves, sv.MaxQueueLength)
		}
	})
}
