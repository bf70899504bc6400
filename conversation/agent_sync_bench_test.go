package conversation

import (
	"fmt"
	"testing"
	"time"

	"github.com/parleycc/parley"
)

// BenchmarkSyncAgents measures the routing leader's read of the agents at
// each pass with 1,000 agents, 5 of whom changed since the last pass
// (presence touched), when it reads only the changed ones and when it
// reads all of them (as every pass did before the change log, and as a
// pass still does every fullAgentRead).
//
//	go test ./conversation -run '^$' -bench SyncAgents -benchtime 200x
func BenchmarkSyncAgents(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		open := benchStores()[db]
		if open == nil {
			continue
		}
		b.Run(db, func(b *testing.B) {
			st := open(b)
			r, s := supervisorBenchRig(b, st, 1000)
			must(b, st.Analyze(r.ctx))
			tr, err := s.rebuild(r.ctx, parley.DefaultTenant)
			must(b, err)
			var ids []string
			for _, u := range r.agents {
				ids = append(ids, u.ID)
			}
			for _, mode := range []string{"changed", "full"} {
				b.Run(fmt.Sprintf("agents=1000/changed=5/%s", mode), func(b *testing.B) {
					var queries, i int64
					for b.Loop() {
						b.StopTimer()
						for range 5 {
							i++
							must(b, st.TouchPresence(r.ctx, ids[i%int64(len(ids))], r.clock.Now()))
						}
						if mode == "full" {
							tr.roster.fullRead = time.Time{}
						}
						q0 := st.Queries()
						b.StartTimer()
						must(b, s.syncAgents(r.ctx, tr))
						queries += st.Queries() - q0
					}
					b.ReportMetric(float64(queries)/float64(b.N), "queries/op")
				})
			}
		})
	}
}
