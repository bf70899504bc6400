package routing

import (
	"slices"
	"testing"
)

// listedHead is a class and the head chat it is listed under.
type listedHead struct {
	key chatKey
	cl  *class
}

func byHead(a, b listedHead) int {
	if lessChat(a.key, b.key) {
		return -1
	}
	return 1
}

// referenceNext is what Next must decide, found the slow way: scan every
// class of every service for the best head chat that has a ready agent,
// and take that class's first ready agent who has not declined it. It
// also checks that Index.heads holds exactly those classes, each under
// its current head and at the place it records, as a valid heap, so a
// missed update fails here even when it does not change this decision.
func referenceNext(t *testing.T, x *Index) (Decision, bool) {
	t.Helper()
	var want []listedHead
	for _, s := range x.services {
		for _, cl := range s.list {
			if cl.svc != s {
				t.Fatalf("class %q of %s points at another service", cl.key, s.ID)
			}
			if k, ok := cl.waiting.Min(); ok && cl.ready.Len() > 0 {
				want = append(want, listedHead{key: k, cl: cl})
			}
		}
	}
	slices.SortFunc(want, byHead)
	var got []listedHead
	for i, cl := range x.heads {
		if cl.pos != i {
			t.Fatalf("class %s/%q at %d of the heads records %d", cl.svc.ID, cl.key, i, cl.pos)
		}
		if i > 0 && x.heads.Less(i, (i-1)/2) {
			t.Fatalf("heads not a heap at %d", i)
		}
		got = append(got, listedHead{key: cl.head, cl: cl})
	}
	slices.SortFunc(got, byHead)
	if !slices.Equal(got, want) {
		t.Fatalf("heads out of step:\n got  %s\n want %s", headList(got), headList(want))
	}
	if len(want) == 0 {
		return Decision{}, false
	}
	cl := want[0].cl
	c := x.chats[want[0].key.id]
	var first, winner string
	cl.ready.Ascend(func(k agentKey) bool {
		if first == "" {
			first = k.id
		}
		if !slices.Contains(c.Declined, k.id) {
			winner = k.id
		}
		return winner == ""
	})
	if winner == "" {
		winner = first
	}
	return Decision{ChatID: c.ID, ServiceID: cl.svc.ID, AgentID: winner, Eligible: cl.ready.Len()}, true
}

func headList(hs []listedHead) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.cl.svc.ID + "/" + h.cl.key + ":" + h.key.id
	}
	return out
}
