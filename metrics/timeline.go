package metrics

import (
	"sort"

	"github.com/parleycc/parley"
)

// SortTimeline orders one chat's facts by time. It is stable: facts with
// the same time keep their order, which must be the order they were
// stored (by ID).
func SortTimeline(facts []parley.Fact) {
	sort.SliceStable(facts, func(i, j int) bool { return facts[i].At.Before(facts[j].At) })
}

// Contributions returns what one chat's timeline adds to the aggregate
// rows, under cfg. timeline must be sorted (SortTimeline) and hold the
// facts of one chat only. Open segments contribute what is known so far:
// a chat still waiting is offered, not yet answered or abandoned.
func Contributions(timeline []parley.Fact, cfg Config) []Row {
	w := walker{cfg: cfg, out: rowSet{}}
	for i := range timeline {
		w.step(&timeline[i])
	}
	return w.out.rows()
}

// RowsFromFacts computes the aggregate rows of any set of facts directly:
// it groups them by chat, orders each timeline and adds up the
// contributions. It is the reference the stored aggregates must equal.
func RowsFromFacts(facts []parley.Fact, cfg Config) []Row {
	byChat := map[[2]string][]parley.Fact{}
	for _, f := range facts {
		k := [2]string{f.TenantID, f.ChatID}
		byChat[k] = append(byChat[k], f)
	}
	total := rowSet{}
	for _, tl := range byChat {
		SortTimeline(tl)
		for _, r := range Contributions(tl, cfg) {
			total.at(r.Key).Add(r.Counters)
		}
	}
	return total.rows()
}
