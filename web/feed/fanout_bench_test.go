package feed_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/bus/inmem"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
	"github.com/parleycc/parley/web/feed"
)

// BenchmarkEventFanout measures one event, from append to the last of N
// connected clients that show it (9 in 10 agents who see only their own
// chats' events, 1 in 10 supervisors who see all), with 1,000 agents and
// a log holding the events of 5,000 chats: through the hub with each
// agent subscribed to its own events (agents: as web's stream does), the
// hub with every client subscribed to every event (all: each event wakes
// each client), and as the stream did before the hub (per-client: every
// client reads the log on every notification; SQLite only, as on
// PostgreSQL each client may hold a connection of the shared server).
// ns/op is per event; queries/op counts SQL statements per event, the
// append included.
//
//	go test ./web/feed -run '^$' -bench EventFanout -benchtime 50x
func BenchmarkEventFanout(b *testing.B) {
	stores := map[string]func(testing.TB) *sqlstore.Store{"sqlite": sqltest.OpenSQLite}
	if os.Getenv("PARLEY_TEST_POSTGRES") != "" {
		stores["postgres"] = sqltest.OpenPostgres
	}
	for _, db := range []string{"sqlite", "postgres"} {
		open := stores[db]
		if open == nil {
			continue
		}
		b.Run(db, func(b *testing.B) {
			st := open(b)
			for i := range 5000 { // one event per open chat
				must(b, st.AppendEvent(ctx, &parley.Event{TenantID: "t1", Type: "chat.updated", ChatID: fmt.Sprint("chat", i),
					AgentID: fmt.Sprint("agent", i%1000), Data: []byte(`{}`)}))
			}
			must(b, st.Analyze(ctx))
			for _, clients := range []int{100, 1000} {
				for _, mode := range []string{"hub-agents", "hub-all", "per-client"} {
					if mode == "per-client" && db == "postgres" {
						// Up to one connection per client: it would take the
						// shared server's connections from everyone else.
						continue
					}
					b.Run(fmt.Sprintf("agents=1000/chats=5000/clients=%d/%s", clients, mode), func(b *testing.B) {
						benchFanout(b, st, clients, mode)
					})
				}
			}
		})
	}
}

func benchFanout(b *testing.B, st *sqlstore.Store, clients int, mode string) {
	bus := inmem.New()
	h := &feed.Hub{Events: st, Bus: bus}
	ctx, cancel := context.WithCancel(ctx)
	var got, running sync.WaitGroup
	// Each event is agent7's: in hub-agents mode only the supervisors and
	// agent7 are handed it, in the others every client is.
	waitFor := clients
	for i := range clients {
		agent := fmt.Sprint("agent", i)
		if i%10 == 0 {
			agent = "" // a supervisor
		}
		if mode == "hub-agents" && agent != "" && agent != "agent7" {
			waitFor--
		}
		deliver := func(evs []*parley.Event) {
			for _, e := range evs {
				if agent == "" || e.AgentID == agent { // web's visible
					fmt.Fprintf(io.Discard, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.Data)
				}
				got.Done()
			}
		}
		last, err := st.LastEventID(ctx, "t1")
		must(b, err)
		running.Add(1)
		if mode != "per-client" {
			live := ""
			if mode == "hub-agents" {
				live = agent
			}
			s, err := h.SubscribeAgent(ctx, "t1", last, live)
			must(b, err)
			go func() {
				defer running.Done()
				defer s.Close()
				hubClient(ctx, s, deliver)
			}()
		} else {
			notify, unsubscribe := bus.Subscribe("t1")
			go func() {
				defer running.Done()
				defer unsubscribe()
				readingClient(ctx, st, notify, last, deliver)
			}()
		}
	}
	q, cpu := st.Queries(), processCPU()
	for b.Loop() {
		got.Add(waitFor)
		e := &parley.Event{TenantID: "t1", Type: "message", AgentID: "agent7", Data: []byte(`{"text":"hi"}`)}
		must(b, st.AppendEvent(ctx, e))
		must(b, bus.Publish(ctx, "t1", e.ID))
		got.Wait()
	}
	b.ReportMetric(float64(st.Queries()-q)/float64(b.N), "queries/op")
	b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
	cancel()
	h.Close()
	running.Wait()
}

// processCPU is the CPU time the process has used (user and system): on
// the fan-out's path it is what the events cost, waiting excluded.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hubClient is web's stream loop over a subscription.
func hubClient(ctx context.Context, s *feed.Sub, deliver func([]*parley.Event)) {
	for {
		evs, err := s.Next(ctx)
		if err != nil {
			return
		}
		deliver(evs)
		if len(evs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-s.Done():
			return
		case <-s.Wake():
		}
	}
}

// readingClient is the stream loop as it was before the hub: a read of
// the log per client per notification.
func readingClient(ctx context.Context, st *sqlstore.Store, notify <-chan int64, last int64, deliver func([]*parley.Event)) {
	for {
		evs, err := st.EventsAfter(ctx, "t1", last, 500)
		if ctx.Err() != nil {
			return
		} else if err != nil {
			time.Sleep(time.Millisecond) // the browser would reconnect
			continue
		}
		if len(evs) > 0 {
			last = evs[len(evs)-1].ID
		}
		deliver(evs)
		select {
		case <-ctx.Done():
			return
		case <-notify:
		}
	}
}
