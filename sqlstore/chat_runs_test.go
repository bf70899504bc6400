package sqlstore_test

import (
	"testing"
	"time"

	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestClaimChatRun: one node at a time holds a chat; a lease that ran out
// (its node died) can be taken over. SQLite runs one node: always granted.
func TestClaimChatRun(t *testing.T) {
	type step struct {
		owner   string
		lease   time.Duration
		release bool
		want    bool
	}
	steps := []step{
		{owner: "a", lease: time.Minute, want: true},
		{owner: "b", lease: time.Minute, want: false}, // a holds it
		{owner: "a", lease: time.Minute, want: true},  // a again (its release was lost)
		{owner: "b", release: true},                   // not b's to release
		{owner: "b", lease: time.Minute, want: false},
		{owner: "a", release: true},
		{owner: "b", lease: -time.Second, want: true}, // b's lease already ran out...
		{owner: "c", lease: time.Minute, want: true},  // ...so c takes over
		{owner: "b", lease: time.Minute, want: false},
	}
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		for i, st := range steps {
			if st.release {
				must(t, s.ReleaseChatRun(ctx, "chat-1", st.owner))
				continue
			}
			got, err := s.ClaimChatRun(ctx, "chat-1", st.owner, st.lease)
			must(t, err)
			want := st.want || s.Dialect() == "sqlite"
			if got != want {
				t.Fatalf("step %d: %s claims: %v, want %v", i, st.owner, got, want)
			}
		}
		// Another chat is independent.
		if ok, err := s.ClaimChatRun(ctx, "chat-2", "b", time.Minute); err != nil || !ok {
			t.Fatalf("another chat: %v %v", ok, err)
		}
	})
}
