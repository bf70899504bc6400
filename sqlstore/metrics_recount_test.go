package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics/metricstest"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// TestRecountMetrics: a day of traffic counted with a strict service level
// reads differently once recounted with a loose one, and recounting with
// the strict one again gives back exactly the rows first counted.
func TestRecountMetrics(t *testing.T) {
	sqltest.ForEachStore(t, func(t *testing.T, s *sqlstore.Store) {
		must(t, s.EnsureTenant(ctx, &parley.Tenant{ID: "t", Name: "t"}))
		var ids []string
		for _, name := range []string{"sales", "support"} {
			svc := &parley.Service{TenantID: "t", Name: name}
			must(t, s.UpsertService(ctx, svc))
			ids = append(ids, svc.ID)
		}
		setSL := func(sl time.Duration) {
			t.Helper()
			for _, id := range ids {
				must(t, s.SetServiceThresholds(ctx, parley.ServiceThresholds{ServiceID: id, ServiceLevel: sl, ServiceLevelTarget: 80,
					Dropout: 5 * time.Second, ChatTimeLimit: 20 * time.Minute}))
			}
		}
		day := metricstest.Day(3, 200)
		day.ServiceIDs = ids
		rows := func() any {
			t.Helper()
			got, err := s.MetricRows(ctx, sqlstore.MetricQuery{TenantID: "t", Agents: true, From: day.Start.Add(-24 * time.Hour), To: day.Start.Add(72 * time.Hour)})
			must(t, err)
			return got
		}
		setSL(5 * time.Second)
		must(t, s.AddFacts(ctx, day.Facts()))
		strict := rows()
		setSL(10 * time.Minute)
		n, err := s.RecountMetrics(ctx, "t")
		must(t, err)
		if n != 200 {
			t.Errorf("recounted %d chats, want 200", n)
		}
		if reflect.DeepEqual(rows(), strict) {
			t.Fatal("a looser service level changed nothing")
		}
		setSL(5 * time.Second)
		_, err = s.RecountMetrics(ctx, "t")
		must(t, err)
		if got := rows(); !reflect.DeepEqual(got, strict) {
			t.Fatal("recounting with the first thresholds did not give the first rows back")
		}
	})
}
