package scenario_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/scenario"
	"github.com/parleycc/parley/sqlstore"
	"github.com/parleycc/parley/sqlstore/sqltest"
)

// nullSend is the channel side left out of the measure: sending is the
// outbox's work, not the step's.
type nullSend struct{}

func (nullSend) Send(context.Context, *parley.Chat, string) error         { return nil }
func (nullSend) Enqueue(context.Context, *parley.Chat, string, int) error { return nil }
func (nullSend) Close(context.Context, *parley.Chat) error                { return nil }

// benchChats is how many chats wait in Ask or Wait while the benchmark runs.
const benchChats = 10_000

// BenchmarkScenarioSteps measures scenario steps on SQLite with durable
// persistence: 10,000 chats wait in Ask (half) or Wait (half); each
// iteration delivers one signal (an answer or a due timer) to a random
// chat, which runs Ask → Set Variable → If → Ask again, or Wait → Ask,
// saving the position after every step, as the server does. The chat is
// read from the database first, as the server does. Reported: steps/s and
// the per-step latency percentiles (signal time divided by its steps).
//
//	go test ./scenario -run '^$' -bench ScenarioSteps -benchtime 20000x
func BenchmarkScenarioSteps(b *testing.B) {
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) { benchSteps(b, workers) })
	}
}

func benchSteps(b *testing.B, workers int) {
	ctx := context.Background()
	st := sqltest.OpenSQLite(b)
	sc, errs := scenario.Compile(scenario.Definition{Name: "bench", Blocks: []scenario.Spec{
		{ID: "pause", Type: "wait", Params: map[string]any{"duration": "1ms"}},
		{ID: "ask", Type: "ask", Params: map[string]any{"text": "How many, $(first_name)?", "var": "n", "validate": "number"}},
		{ID: "count", Type: "set_variable", Params: map[string]any{"vars": map[string]any{"last": "$(n)"}}},
		{ID: "check", Type: "if", Params: map[string]any{"branches": []any{map[string]any{"name": "big", "when": "int(n) > 100"}}},
			Exits: map[string]string{"big": "pause", scenario.DefaultExit: "ask"}},
	}})
	if len(errs) > 0 {
		b.Fatal(errs[0])
	}
	var mu sync.Mutex
	var saves int
	e := &scenario.Engine{Runtime: nullSend{}, Now: time.Now, Save: func(ctx context.Context, c *parley.Chat) error {
		mu.Lock()
		saves++
		mu.Unlock()
		return st.SaveScenario(ctx, c.ID, c.Scenario)
	}}
	ids := seedChats(b, st, e, sc)
	b.ResetTimer()

	per := make([][]time.Duration, workers)
	counted := make([]int, workers)
	mu.Lock()
	saves = 0
	mu.Unlock()
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := w; i < b.N; i += workers {
				// Each worker owns every workers-th chat, as the per-chat
				// lock of the server would serialize them.
				id := ids[(r.IntN(benchChats/workers))*workers+w]
				d, n := signalOnce(ctx, b, st, e, sc, id, r)
				if n > 0 {
					per[w] = append(per[w], d/time.Duration(n))
					counted[w] += n
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	all := slices.Concat(per...)
	slices.Sort(all)
	if len(all) == 0 {
		return
	}
	pct := func(p float64) float64 { return float64(all[int(float64(len(all)-1)*p)].Microseconds()) }
	steps := 0
	for _, n := range counted {
		steps += n
	}
	mu.Lock()
	written := saves
	mu.Unlock()
	b.ReportMetric(float64(steps)/elapsed.Seconds(), "steps/s")
	b.ReportMetric(float64(written)/elapsed.Seconds(), "saves/s")
	b.ReportMetric(pct(0.50), "p50-µs/step")
	b.ReportMetric(pct(0.99), "p99-µs/step")
	b.Logf("checkpoints: %+v", st.CheckpointStats())
}

// seedChats starts benchChats chats: even ones wait in Ask, odd ones in
// Wait (a timer).
func seedChats(b *testing.B, st *sqlstore.Store, e *scenario.Engine, sc *scenario.Scenario) []string {
	ctx := context.Background()
	ids := make([]string, benchChats)
	for i := range benchChats {
		c := &parley.Chat{TenantID: "t1", AccountID: "a1", CustomerID: fmt.Sprintf("c%d", i)}
		if err := st.CreateChat(ctx, c); err != nil {
			b.Fatal(err)
		}
		if err := e.Start(ctx, c, sc, map[string]string{"first_name": "Ann"}); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 { // move on to the Ask block
			if err := e.Signal(ctx, c, sc, scenario.Signal{Kind: scenario.SigTimer}); err != nil {
				b.Fatal(err)
			}
		}
		ids[i] = c.ID
	}
	return ids
}

// signalOnce reads a chat and delivers what it waits for; it returns the
// time taken and the number of steps (saves) it caused.
func signalOnce(ctx context.Context, b *testing.B, st *sqlstore.Store, e *scenario.Engine, sc *scenario.Scenario, id string, r *rand.Rand) (time.Duration, int) {
	t0 := time.Now()
	c, err := st.Chat(ctx, id)
	if err != nil {
		b.Error(err)
		return 0, 0
	}
	sig := scenario.Signal{Kind: scenario.SigInput, Text: fmt.Sprint(r.IntN(150))}
	steps := 4 // ask (the answer), set variable, if, ask or wait
	if c.Scenario.Waiting == scenario.SigTimer {
		sig, steps = scenario.Signal{Kind: scenario.SigTimer}, 2 // wait, ask
	}
	if err := e.Signal(ctx, c, sc, sig); err != nil {
		b.Error(err)
		return 0, 0
	}
	return time.Since(t0), steps
}
