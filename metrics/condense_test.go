package metrics_test

import (
	"fmt"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
	"github.com/parleycc/parley/metrics/metricstest"
)

// TestCondense: on generated days, a chat's condensed timeline gives the
// same deltas as the whole one for every fact added at its end (one at a
// time, and two at once), and condensing a condensed timeline with the
// new facts is condensing the whole one.
func TestCondense(t *testing.T) {
	cfg := metrics.DefaultConfig()
	agg := metrics.NewAggregator(cfg)
	for _, seed := range []uint64{1, 2, 3} {
		facts := metricstest.Day(seed, 800).Facts()
		byChat := map[string][]parley.Fact{}
		for _, f := range facts {
			byChat[f.ChatID] = append(byChat[f.ChatID], f)
		}
		for chat, tl := range byChat {
			metrics.SortTimeline(tl)
			for _, step := range []int{1, 2} {
				var cond []parley.Fact
				for k := 0; k+step <= len(tl); k += step {
					earlier, added := tl[:k], tl[k:k+step]
					if got, want := agg.Deltas(cond, added), agg.Deltas(earlier, added); !sameRows(got, want) {
						t.Fatalf("seed %d chat %s, adding %s at %d: condensed deltas %v, whole %v\ncondensed: %s",
							seed, chat, kinds(added), k, got, want, kinds(cond))
					}
					cond = metrics.Condense(append(append([]parley.Fact(nil), cond...), added...))
					if got, want := kinds(cond), kinds(metrics.Condense(tl[:k+step])); got != want {
						t.Fatalf("seed %d chat %s at %d: condensing step by step gave %s, at once %s", seed, chat, k, got, want)
					}
				}
			}
		}
	}
}

// TestCondenseKeeps: which messages of a stretch are kept.
func TestCondenseKeeps(t *testing.T) {
	f := func(kind, agent string) parley.Fact { return parley.Fact{Kind: kind, AgentID: agent} }
	c, a, first, bot := f(parley.FactCustomerMessage, ""), f(parley.FactAgentReply, "ann"),
		f(parley.FactFirstAgentReply, "ann"), f(parley.FactAgentReply, "")
	acc := f(parley.FactAccepted, "ann")
	cases := []struct {
		name string
		in   []parley.Fact
		want string
	}{
		{"customer first", []parley.Fact{acc, c, c, a, c, a}, "accepted customer_message agent_reply"},
		{"reply first", []parley.Fact{acc, first, a, c, c, a, a}, "accepted first_agent_reply customer_message agent_reply"},
		{"replies without an agent", []parley.Fact{acc, bot, c, bot}, "accepted customer_message"},
		{"each stretch", []parley.Fact{c, c, acc, c, a, a, f(parley.FactClosed, ""), c}, "customer_message accepted customer_message agent_reply closed customer_message"},
	}
	long := []parley.Fact{acc}
	for range 100 {
		long = append(long, c, a)
	}
	cases = append(cases, struct {
		name string
		in   []parley.Fact
		want string
	}{"a long conversation", long, "accepted customer_message agent_reply"})
	for _, tc := range cases {
		if got := kinds(metrics.Condense(tc.in)); got != "["+tc.want+"]" {
			t.Errorf("%s: kept %s, want [%s]", tc.name, got, tc.want)
		}
	}
}

func kinds(facts []parley.Fact) string {
	out := make([]string, len(facts))
	for i, f := range facts {
		out[i] = f.Kind
	}
	return fmt.Sprint(out)
}
