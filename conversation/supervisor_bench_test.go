package conversation

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// benchStores are the databases read-path benchmarks run on: SQLite, and
// PostgreSQL when $PARLEY_TEST_POSTGRES is set.
func benchStores() map[string]func(testing.TB) *sqlstore.Store {
	m := map[string]func(testing.TB) *sqlstore.Store{"sqlite": sqltest.OpenSQLite}
	if os.Getenv("PARLEY_TEST_POSTGRES") != "" {
		m["postgres"] = sqltest.OpenPostgres
	}
	return m
}

// BenchmarkSupervisorView measures the supervisor view (what the page
// fetches on every event) with 1,000 agents and 1,000 then 5,000 open
// chats (40% assigned, each with a last message), against the per-chat
// view it replaced. queries/op is the number of SQL statements.
//
//	go test ./conversation -run '^$' -bench SupervisorView -benchtime 20x
func BenchmarkSupervisorView(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres"} {
		open := benchStores()[db]
		if open == nil {
			continue
		}
		b.Run(db, func(b *testing.B) {
			st := open(b)
			r, s := supervisorBenchRig(b, st, 1000)
			sup := &parley.User{TenantID: parley.DefaultTenant, Role: parley.RoleSupervisor}
			seeded := 0
			for _, chats := range []int{1000, 5000} {
				seedOpenChats(b, r, chats-seeded, seeded)
				seeded = chats
				must(b, st.Analyze(r.ctx)) // as autovacuum would after a while
				for _, impl := range []struct {
					name string
					view func() (*SupervisorView, error)
				}{
					{"one-query", func() (*SupervisorView, error) { return s.Supervisor(r.ctx, sup) }},
					{"per-chat", func() (*SupervisorView, error) { return s.supervisorPerChat(r.ctx, sup) }},
				} {
					b.Run(fmt.Sprintf("agents=1000/chats=%d/%s", chats, impl.name), func(b *testing.B) {
						q := st.Queries()
						for b.Loop() {
							if _, err := impl.view(); err != nil {
								b.Fatal(err)
							}
						}
						b.ReportMetric(float64(st.Queries()-q)/float64(b.N), "queries/op")
					})
				}
			}
		})
	}
}

// supervisorBenchRig is a rig with agents Ready agents of capacity 5.
func supervisorBenchRig(b *testing.B, st *sqlstore.Store, agents int) (*rig, *Service) {
	caps := map[string]int{}
	for i := range agents {
		caps[fmt.Sprintf("agent%04d", i)] = 5
	}
	r := newRig(b, st, parley.ServiceRouting{}, caps)
	s := New(Config{Store: st, Bus: r.bus, Clock: r.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PresenceGrace: time.Hour})
	for _, u := range r.agents {
		must(b, st.SetAgentStatus(r.ctx, u.ID, parley.StateReady, "", time.Time{}, r.clock.Now()))
		must(b, st.TouchPresence(r.ctx, u.ID, r.clock.Now()))
	}
	return r, s
}

// seedOpenChats adds n open chats, numbered from first, each with a
// customer and a message; two in five are assigned to an agent (with an
// agent's reply as the last message), the others wait.
func seedOpenChats(b *testing.B, r *rig, n, first int) {
	agents := make([]*parley.User, 0, len(r.agents))
	for _, u := range r.agents {
		agents = append(agents, u)
	}
	var wg sync.WaitGroup
	work := make(chan int)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				seedOpenChat(b, r, i, agents[i%len(agents)])
			}
		}()
	}
	for i := first; i < first+n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
}

func seedOpenChat(b *testing.B, r *rig, i int, agent *parley.User) {
	st, now := r.st, r.clock.Now()
	cust, _, err := st.EnsureCustomer(r.ctx, &parley.Customer{TenantID: parley.DefaultTenant, AccountID: r.account,
		ExternalID: fmt.Sprintf("bench-%d", i), FirstName: fmt.Sprintf("C%d", i)})
	must(b, err)
	c := &parley.Chat{TenantID: parley.DefaultTenant, AccountID: r.account, CustomerID: cust.ID}
	must(b, st.CreateChat(r.ctx, c))
	must(b, st.AddMessage(r.ctx, &parley.Message{ChatID: c.ID, Direction: parley.Inbound, Kind: parley.KindText, Text: "hello"}))
	must(b, st.EnqueueChat(r.ctx, c.ID, r.service.ID, i%3, now))
	if i%5 >= 2 {
		return
	}
	must(b, st.OfferChat(r.ctx, &parley.Offer{ChatID: c.ID, TenantID: parley.DefaultTenant, AgentID: agent.ID,
		ServiceID: r.service.ID, OfferedAt: now, Decision: `{"reason":"bench"}`}, 5, true))
	must(b, st.AddMessage(r.ctx, &parley.Message{ChatID: c.ID, Direction: parley.Outbound, Sender: "agent",
		AgentID: agent.ID, Kind: parley.KindText, Text: "hi, how can I help?"}))
}
