package sqlstore_test

import (
	"reflect"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestImportFactsAgreesWithAddFacts: a day of generated traffic imported
// in bulk gives the same 15-minute rows as the same facts added the usual
// way, and a second import of any of those chats is refused whole.
func TestImportFactsAgreesWithAddFacts(t *testing.T) {
	day := metricstest.Day(7, 150)
	added := day.Facts()
	day.TenantID = "imported"
	imported := day.Facts()
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.FactLog(metrics.DefaultConfig()).AddFacts(ctx, added))
		must(t, s.ImportFacts(ctx, imported))
		rows := func(tenant string) []metrics.Row {
			got, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: tenant, Agents: true,
				From: day.Start, To: day.Start.Add(48 * 3600e9)})
			must(t, err)
			for i := range got {
				got[i].TenantID = ""
			}
			return got
		}
		want, got := rows("t"), rows("imported")
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("imported rows differ: %d rows, want %d", len(got), len(want))
		}
		again := append(day.Facts()[:3:3], parley.Fact{TenantID: "imported", ChatID: "new-chat",
			Kind: parley.FactEnteredQueue, ServiceID: "s", At: day.Start})
		err := s.ImportFacts(ctx, again)
		if parley.ErrorCode(err) != parley.ECONFLICT {
			t.Fatalf("import of known chats: %v, want a conflict", err)
		}
		if facts, err := s.ChatFacts(ctx, "imported", "new-chat"); err != nil || len(facts) != 0 {
			t.Fatalf("refused import stored %d facts (%v)", len(facts), err)
		}
	})
}

// TestChatTimelinesScope: the interaction detail's limit counts only the
// chats of the services asked for, so a supervisor of a quiet service
// sees its chats even when a busy one fills the range first.
func TestChatTimelinesScope(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		var facts []parley.Fact
		for i, svc := range []string{"busy", "busy", "busy", "quiet"} {
			facts = append(facts, parley.Fact{TenantID: "t1", ChatID: "c" + string(rune('a'+i)), ServiceID: svc, Kind: parley.FactEnteredQueue, At: at(1 + i)})
		}
		must(t, s.ImportFacts(ctx, facts))
		cases := []struct {
			services []string
			limit    int
			want     []string
		}{
			{nil, 2, []string{"ca", "cb"}},
			{[]string{"quiet"}, 2, []string{"cd"}},
			{[]string{"busy"}, 2, []string{"ca", "cb"}},
			{[]string{"quiet", "busy"}, 10, []string{"ca", "cb", "cc", "cd"}},
		}
		for _, tc := range cases {
			tls, err := s.ChatTimelines(ctx, "t1", at(0), at(100), tc.services, tc.limit)
			must(t, err)
			var got []string
			for _, tl := range tls {
				got = append(got, tl[0].ChatID)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("services %v limit %d: chats %v, want %v", tc.services, tc.limit, got, tc.want)
			}
		}
	})
}
