package metrics

import (
	"strconv"
	"time"
)

// Figure is one metric as every page shows it: the wallboard's cards,
// the reports' columns and their CSV use the same figures and the same
// text, so they cannot disagree. Durations are whole seconds (rounded
// down), percentages have one decimal; "—" is a figure without a value
// (no chat to average over).
type Figure struct {
	Key   string // the column name in JSON and CSV
	Title string
	Unit  string // "", "s" or "%"
	value func(Counters) (float64, bool)
}

// Value returns the figure of c; ok is false when it is undefined.
func (f Figure) Value(c Counters) (float64, bool) { return f.value(c) }

// Text formats the figure of c.
func (f Figure) Text(c Counters) string {
	v, ok := f.value(c)
	switch {
	case !ok:
		return "—"
	case f.Unit == "%":
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatInt(int64(v), 10)
}

func count(get func(Counters) int64) func(Counters) (float64, bool) {
	return func(c Counters) (float64, bool) { return float64(get(c)), true }
}

func seconds(get func(Counters) (time.Duration, bool)) func(Counters) (float64, bool) {
	return func(c Counters) (float64, bool) {
		d, ok := get(c)
		return float64(d / time.Second), ok
	}
}

// The figures, by key (docs/METRICS.md defines each).
var (
	FigOffered        = Figure{"offered", "Offered", "", count(func(c Counters) int64 { return c.Offered })}
	FigAnswered       = Figure{"answered", "Answered", "", count(func(c Counters) int64 { return c.Answered })}
	FigAnsweredInSL   = Figure{"answered_in_sl", "Answered in SL", "", count(func(c Counters) int64 { return c.AnsweredInSL })}
	FigAbandoned      = Figure{"abandoned", "Abandoned", "", count(func(c Counters) int64 { return c.Abandoned })}
	FigShortAbandoned = Figure{"short_abandoned", "Short abandoned", "", count(func(c Counters) int64 { return c.ShortAbandoned })}
	FigServiceLevel   = Figure{"service_level", "Service level", "%", Counters.ServiceLevel}
	FigASA            = Figure{"asa", "Avg speed of answer", "s", seconds(Counters.AverageSpeedOfAnswer)}
	FigFRT            = Figure{"first_response", "Avg first response", "s", seconds(Counters.AverageFirstResponse)}
	FigAHT            = Figure{"aht", "Avg handle time", "s", seconds(Counters.AverageHandleTime)}
	FigHandled        = Figure{"handled", "Handled", "", count(func(c Counters) int64 { return c.Handled })}
	FigOverLimit      = Figure{"over_limit", "Over chat-time limit", "", count(func(c Counters) int64 { return c.OverLimit })}
	FigTransfers      = Figure{"transfers", "Transfers", "", count(func(c Counters) int64 { return c.Transfers })}
	FigOffers         = Figure{"offers", "Offers", "", count(func(c Counters) int64 { return c.Offers })}
	FigConferences    = Figure{"conferences", "Conferences", "", count(func(c Counters) int64 { return c.Conferences })}
	FigSurveyAnswers  = Figure{"survey_answers", "Survey answers", "", count(func(c Counters) int64 { return c.SurveyAnswers })}
	FigCSAT           = Figure{"csat", "CSAT", "%", Counters.CSAT}
)

// ServiceFigures are the columns of a service's figures (report and
// wallboard).
var ServiceFigures = []Figure{FigOffered, FigAnswered, FigAnsweredInSL, FigAbandoned, FigShortAbandoned,
	FigServiceLevel, FigASA, FigFRT, FigAHT, FigOverLimit, FigTransfers, FigCSAT}

// AgentFigures are the columns of an agent's figures: never the queue's
// (offered, abandoned).
var AgentFigures = []Figure{FigOffers, FigAnswered, FigAnsweredInSL, FigASA, FigHandled, FigAHT, FigFRT,
	FigOverLimit, FigTransfers, FigConferences, FigSurveyAnswers, FigCSAT}

// Texts returns the figures of c by key.
func Texts(figs []Figure, c Counters) map[string]string {
	out := make(map[string]string, len(figs))
	for _, f := range figs {
		out[f.Key] = f.Text(c)
	}
	return out
}
