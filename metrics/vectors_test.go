package metrics_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/metrics"
)

// vector is one hand-computed scenario of testdata/*.json: the facts and
// the figures worked out by hand (the "worked" lines show the working).
type vector struct {
	Name       string   `json:"name"`
	Worked     []string `json:"worked"`
	Location   string   `json:"location"`
	Thresholds struct {
		ServiceLevel  string `json:"service_level"`
		ShortAbandon  string `json:"short_abandon"`
		ChatTimeLimit string `json:"chat_time_limit"`
	} `json:"thresholds"`
	Facts     []vectorFact           `json:"facts"`
	Services  map[string]wantFigures `json:"services"`
	Agents    map[string]wantFigures `json:"agents"`
	Intervals []struct {
		Size string         `json:"size"`
		Rows []wantInterval `json:"rows"`
	} `json:"intervals"`
}

type vectorFact struct {
	Chat          string `json:"chat"`
	Kind          string `json:"kind"`
	Service       string `json:"service"`
	Agent         string `json:"agent"`
	At            string `json:"at"`
	Score         int    `json:"score"`
	Disposition   string `json:"disposition"`
	TargetService string `json:"target_service"`
	TargetAgent   string `json:"target_agent"`
}

type wantInterval struct {
	Start string `json:"start"`
	End   string `json:"end"`
	wantFigures
}

// wantFigures are expected counters (absent: 0), duration sums, and
// optionally the derived figures.
type wantFigures struct {
	Offered        int64 `json:"offered"`
	Answered       int64 `json:"answered"`
	AnsweredInSL   int64 `json:"answered_in_sl"`
	Abandoned      int64 `json:"abandoned"`
	ShortAbandoned int64 `json:"short_abandoned"`
	Offers         int64 `json:"offers"`
	Handled        int64 `json:"handled"`
	OverLimit      int64 `json:"over_limit"`
	FirstResponses int64 `json:"first_responses"`
	Transfers      int64 `json:"transfers"`
	Conferences    int64 `json:"conferences"`
	SurveyAnswers  int64 `json:"survey_answers"`
	SurveyPositive int64 `json:"survey_positive"`

	AnswerTime        string `json:"answer_time"`         // sum of speed of answer
	HandleTime        string `json:"handle_time"`         // sum of handle time
	FirstResponseTime string `json:"first_response_time"` // sum of first responses

	ServiceLevelPct *float64 `json:"service_level_pct"`
	CSATPct         *float64 `json:"csat_pct"`
	ASA             string   `json:"asa"`
	AHT             string   `json:"aht"`
	FRT             string   `json:"frt"`
}

func TestMetricVectors(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vectors: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			v := loadVector(t, file)
			cfg, loc := v.config(t), v.location(t)
			facts := v.facts(t)
			rows := metrics.RowsFromFacts(facts, cfg)
			checkServices(t, v, metrics.ServiceReports(rows))
			checkAgents(t, v, metrics.AgentReports(rows))
			for _, iv := range v.Intervals {
				size, err := metrics.ParseInterval(iv.Size)
				if err != nil {
					t.Fatal(err)
				}
				checkIntervals(t, iv.Size, iv.Rows, metrics.IntervalReports(rows, size, loc))
			}
			// Fed one fact at a time, the aggregator must reach the same rows.
			if got := incremental(facts, cfg); !sameRows(got, rows) {
				t.Errorf("incremental rows differ from raw:\n got %v\nwant %v", got, rows)
			}
		})
	}
}

func loadVector(t *testing.T, file string) *vector {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return &v
}

func (v *vector) config(t *testing.T) metrics.Config {
	cfg := metrics.DefaultConfig()
	for _, x := range []struct {
		s   string
		dst *time.Duration
	}{
		{v.Thresholds.ServiceLevel, &cfg.Default.ServiceLevel},
		{v.Thresholds.ShortAbandon, &cfg.Default.ShortAbandon},
		{v.Thresholds.ChatTimeLimit, &cfg.Default.ChatTimeLimit},
	} {
		if x.s != "" {
			*x.dst = dur(t, x.s)
		}
	}
	return cfg
}

func (v *vector) location(t *testing.T) *time.Location {
	if v.Location == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(v.Location)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func (v *vector) facts(t *testing.T) []parley.Fact {
	out := make([]parley.Fact, 0, len(v.Facts))
	for i, f := range v.Facts {
		at, err := time.Parse(time.RFC3339, f.At)
		if err != nil {
			t.Fatalf("fact %d: %v", i, err)
		}
		pf := parley.Fact{
			ID: int64(i + 1), TenantID: "t", ChatID: f.Chat, ServiceID: f.Service, AgentID: f.Agent,
			Kind: f.Kind, At: at, Score: f.Score, Disposition: f.Disposition,
			TargetService: f.TargetService, TargetAgent: f.TargetAgent,
		}
		if err := pf.Validate(); err != nil {
			t.Fatalf("fact %d: %v", i, err)
		}
		out = append(out, pf)
	}
	return out
}

func dur(t *testing.T, s string) time.Duration {
	t.Helper()
	if s == "" {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// counters converts the expected figures to Counters.
func (w wantFigures) counters(t *testing.T) metrics.Counters {
	return metrics.Counters{
		Offered: w.Offered, Answered: w.Answered, AnsweredInSL: w.AnsweredInSL,
		Abandoned: w.Abandoned, ShortAbandoned: w.ShortAbandoned,
		AnswerMicros: dur(t, w.AnswerTime).Microseconds(), Offers: w.Offers,
		Handled: w.Handled, HandleMicros: dur(t, w.HandleTime).Microseconds(), OverLimit: w.OverLimit,
		FirstResponses: w.FirstResponses, FirstResponseMicros: dur(t, w.FirstResponseTime).Microseconds(),
		Transfers: w.Transfers, Conferences: w.Conferences,
		SurveyAnswers: w.SurveyAnswers, SurveyPositive: w.SurveyPositive,
	}
}

// check compares got with the expected counters and derived figures.
func (w wantFigures) check(t *testing.T, what string, got metrics.Counters) {
	t.Helper()
	if want := w.counters(t); got != want {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
	checkPct(t, what+" service level", w.ServiceLevelPct, got.ServiceLevel)
	checkPct(t, what+" CSAT", w.CSATPct, got.CSAT)
	checkDur(t, what+" ASA", w.ASA, got.AverageSpeedOfAnswer)
	checkDur(t, what+" AHT", w.AHT, got.AverageHandleTime)
	checkDur(t, what+" FRT", w.FRT, got.AverageFirstResponse)
}

func checkPct(t *testing.T, what string, want *float64, fn func() (float64, bool)) {
	t.Helper()
	if want == nil {
		return
	}
	got, ok := fn()
	if !ok || math.Abs(got-*want) > 0.001 {
		t.Errorf("%s = %.4f (ok %v), want %.4f", what, got, ok, *want)
	}
}

func checkDur(t *testing.T, what, want string, fn func() (time.Duration, bool)) {
	t.Helper()
	if want == "" {
		return
	}
	got, ok := fn()
	if w := dur(t, want); !ok || got != w {
		t.Errorf("%s = %v (ok %v), want %v", what, got, ok, w)
	}
}

func checkServices(t *testing.T, v *vector, got []metrics.ServiceReport) {
	t.Helper()
	if len(got) != len(v.Services) {
		t.Errorf("%d service reports, want %d: %+v", len(got), len(v.Services), got)
	}
	for _, r := range got {
		if w, ok := v.Services[r.ServiceID]; ok {
			w.check(t, "service "+r.ServiceID, r.Counters)
		} else {
			t.Errorf("unexpected service %q: %+v", r.ServiceID, r.Counters)
		}
	}
}

func checkAgents(t *testing.T, v *vector, got []metrics.AgentReport) {
	t.Helper()
	if len(got) != len(v.Agents) {
		t.Errorf("%d agent reports, want %d: %+v", len(got), len(v.Agents), got)
	}
	for _, r := range got {
		if w, ok := v.Agents[r.AgentID]; ok {
			w.check(t, "agent "+r.AgentID, r.Counters)
		} else {
			t.Errorf("unexpected agent %q: %+v", r.AgentID, r.Counters)
		}
	}
}

func checkIntervals(t *testing.T, size string, want []wantInterval, got []metrics.IntervalReport) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d intervals, want %d: %+v", size, len(got), len(want), got)
	}
	for i, w := range want {
		start, err1 := time.Parse(time.RFC3339, w.Start)
		end, err2 := time.Parse(time.RFC3339, w.End)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		g := got[i]
		if !g.Start.Equal(start) || !g.End.Equal(end) || g.Start.Format(time.RFC3339) != w.Start {
			t.Errorf("%s interval %d: %v – %v, want %s – %s", size, i, g.Start.Format(time.RFC3339), g.End.Format(time.RFC3339), w.Start, w.End)
		}
		w.check(t, size+" "+w.Start, g.Counters)
	}
}

// incremental feeds the facts to an Aggregator one at a time, each chat's
// earlier facts as its timeline, and adds up the deltas.
func incremental(facts []parley.Fact, cfg metrics.Config) []metrics.Row {
	agg := metrics.NewAggregator(cfg)
	timelines := map[string][]parley.Fact{}
	sum := map[metrics.Key]metrics.Counters{}
	for _, f := range facts {
		earlier := timelines[f.ChatID]
		for _, d := range agg.Deltas(earlier, []parley.Fact{f}) {
			c := sum[d.Key]
			c.Add(d.Counters)
			sum[d.Key] = c
		}
		next := append(append([]parley.Fact(nil), earlier...), f)
		metrics.SortTimeline(next)
		timelines[f.ChatID] = next
	}
	var out []metrics.Row
	for k, c := range sum {
		if !c.IsZero() {
			out = append(out, metrics.Row{Key: k, Counters: c})
		}
	}
	metrics.SortRows(out)
	return out
}

func sameRows(a, b []metrics.Row) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Counters != b[i].Counters {
			return false
		}
	}
	return true
}
