package conversation

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// countingParties counts account reads; an account read can be held
// until release is closed.
type countingParties struct {
	mu      sync.Mutex
	reads   int
	hold    chan struct{} // closed when a held read has begun
	release chan struct{}
}

func (p *countingParties) Account(_ context.Context, id string) (*parley.Account, error) {
	p.mu.Lock()
	p.reads++
	hold, release := p.hold, p.release
	p.hold, p.release = nil, nil
	p.mu.Unlock()
	if hold != nil {
		close(hold)
		<-release
	}
	return &parley.Account{ID: id, Active: true}, nil
}

func (p *countingParties) Customer(context.Context, string) (*parley.Customer, error) {
	return &parley.Customer{}, nil
}

func (p *countingParties) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reads
}

// TestAccountsByIDCached: an account is read once, not for every event
// and send; a change made here (an edit, a status turned red or green)
// drops the cached copy, and a read that began before the change is not
// kept, so the next lookup sees the change.
func TestAccountsByIDCached(t *testing.T) {
	ctx := context.Background()
	st := &countingParties{}
	cache := &accountCache{ttl: time.Hour}
	parties := cachedParties{partiesStore: st, cache: cache}
	get := func() {
		t.Helper()
		if _, err := parties.Account(ctx, "a1"); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		get()
	}
	if n := st.count(); n != 1 {
		t.Fatalf("5 lookups read the account %d times, want 1", n)
	}

	status := &accountStatus{store: noStatusStore{}, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), released: func() {}, cache: cache}
	status.red(ctx, &parley.Account{ID: "a1", Active: true}, "token expired")
	get()
	if n := st.count(); n != 2 {
		t.Fatalf("after the account turned red: %d reads, want 2 (read again)", n)
	}

	// The configuration file applied again.
	(&Service{parties: parties}).AccountsChanged()
	get()
	if n := st.count(); n != 3 {
		t.Fatalf("after the accounts changed outside the service: %d reads, want 3 (read again)", n)
	}

	// A read in flight when the account changes.
	cache.invalidate()
	st.mu.Lock()
	st.hold, st.release = make(chan struct{}), make(chan struct{})
	hold, release := st.hold, st.release
	st.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := parties.Account(ctx, "a1"); err != nil {
			t.Error(err)
		}
	}()
	<-hold
	cache.invalidate() // the change lands while the read is under way
	close(release)
	<-done
	get()
	if n := st.count(); n != 5 {
		t.Errorf("after a change during a read: %d reads, want 5 (the older read not kept)", n)
	}
}

type noStatusStore struct{}

func (noStatusStore) SetAccountStatus(context.Context, string, bool, string) error { return nil }
