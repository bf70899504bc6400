package sqlstore

import (
	"context"
	"fmt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// newFacts inserts facts; newFactIDs returns their ids too.
var (
	newFacts = bulkInsert{table: "chat_facts",
		cols:  []string{"tenant_id", "chat_id", "service_id", "agent_id", "kind", "at", "score", "disposition", "target_service", "target_agent"},
		types: []string{"text", "text", "text", "text", "text", "bigint", "int", "text", "text", "text"}}
	newFactIDs = func() bulkInsert { b := newFacts; b.tail = "RETURNING id"; return b }()
)

// factRow is a fact as newFacts' row.
func factRow(f *parley.Fact) []any {
	return []any{f.TenantID, f.ChatID, f.ServiceID, f.AgentID, f.Kind, dbTime(f.At), f.Score, f.Disposition, f.TargetService, f.TargetAgent}
}

// addChatsFacts is addChatFacts for several chats of one tenant with a few
// statements in all (a routing batch's offers): it locks the chats' fact
// timelines in groups' order, reads them at once, inserts every fact with
// one statement and returns the deltas.
func (l *FactLog) addChatsFacts(ctx context.Context, r runner, tenant string, facts []parley.Fact, groups []chatGroup, ids []int64) ([]metrics.Row, error) {
	chats := make([]string, len(groups))
	keys := make([]string, len(groups))
	for i, g := range groups {
		chats[i], keys[i] = g.chat, "facts:"+g.tenant+":"+g.chat
	}
	if err := l.s.d.xactLocks(ctx, r, keys); err != nil {
		return nil, fmt.Errorf("lock chats' facts: %w", err)
	}
	rows, err := r.query(ctx, `SELECT `+factColumns+` FROM chat_facts WHERE tenant_id = ? AND chat_id IN `+inList(chats)+`
		ORDER BY chat_id, at, id`, append([]any{tenant}, anySlice(chats)...)...)
	if err != nil {
		return nil, fmt.Errorf("read timelines: %w", err)
	}
	all, err := scanFacts(rows)
	if err != nil {
		return nil, fmt.Errorf("read timelines: %w", err)
	}
	earlier := map[string][]parley.Fact{}
	for _, f := range all {
		earlier[f.ChatID] = append(earlier[f.ChatID], f)
	}

	var order []int // facts' indexes in insertion order
	var values [][]any
	for _, g := range groups {
		for _, i := range g.idx {
			f := &facts[i]
			f.At = normTime(f.At)
			order = append(order, i)
			values = append(values, factRow(f))
		}
	}
	got, err := newFactIDs.ids(ctx, r, values)
	if err != nil {
		return nil, fmt.Errorf("insert facts: %w", err)
	}
	for j, i := range order {
		ids[i] = got[j]
		facts[i].ID = got[j]
	}

	var deltas []metrics.Row
	for _, g := range groups {
		added := make([]parley.Fact, 0, len(g.idx))
		for _, i := range g.idx {
			added = append(added, facts[i])
		}
		deltas = append(deltas, l.agg.Deltas(earlier[g.chat], added)...)
	}
	return deltas, nil
}
