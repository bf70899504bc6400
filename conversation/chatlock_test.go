package conversation

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestLockChatAcrossNodes: two nodes on one PostgreSQL never work on the
// same chat at once (a routing commit on the leader and a scenario step on
// another node), while other chats are not held up.
func TestLockChatAcrossNodes(t *testing.T) {
	st := sqltest.OpenPostgres(t)
	r := newRig(t, st, parley.ServiceRouting{}, map[string]int{"alice": 1})
	node := func() *Service {
		s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		return s
	}
	a, b := node(), node()
	c := r.arriveOn(a, 0)
	other := r.arriveOn(a, 0)

	unlockA, err := a.lockChat(r.ctx, c.ID)
	must(t, err)
	got := make(chan func(), 1)
	go func() {
		unlock, err := b.lockChat(r.ctx, c.ID)
		if err != nil {
			t.Error(err)
			return
		}
		got <- unlock
	}()

	unlockOther, err := b.lockChat(r.ctx, other.ID)
	must(t, err)
	unlockOther()
	select {
	case <-got:
		t.Fatal("node b got the chat while node a held it")
	case <-time.After(300 * time.Millisecond):
	}
	unlockA()
	select {
	case unlock := <-got:
		unlock()
	case <-time.After(30 * time.Second):
		t.Fatal("node b never got the chat after node a let it go")
	}
}
