package metrics

import "github.com/parleycc/parley"

// Aggregator turns a chat's newly stored facts into counter deltas for the
// aggregate rows.
type Aggregator struct {
	Config Config
}

// NewAggregator returns an aggregator applying cfg's thresholds.
func NewAggregator(cfg Config) *Aggregator { return &Aggregator{Config: cfg} }

// Deltas returns what adding the facts added to one chat changes in the
// aggregate rows. earlier is the chat's stored timeline before them, in
// (At, ID) order; added are the new facts, in the order they were stored,
// all of the same chat. The deltas are the contributions of the whole
// timeline minus those of earlier, so a fact arriving late (with an
// earlier At) moves figures exactly as a recomputation would. Rows whose
// delta is zero are left out.
func (a *Aggregator) Deltas(earlier, added []parley.Fact) []Row {
	all := make([]parley.Fact, 0, len(earlier)+len(added))
	all = append(append(all, earlier...), added...)
	SortTimeline(all)
	set := rowSet{}
	for _, r := range Contributions(all, a.Config) {
		set.at(r.Key).Add(r.Counters)
	}
	for _, r := range Contributions(earlier, a.Config) {
		set.at(r.Key).Sub(r.Counters)
	}
	return set.rows()
}
