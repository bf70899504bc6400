package metrics

import "time"

// Counters are the sums of one aggregate row (or of several rows added
// together). Durations are sums in microseconds. Each field's definition
// is in docs/METRICS.md.
type Counters struct {
	// Offered counts queue segments: entries of a chat into a service's
	// queue. A chat re-queued after a transfer or an agent leaving is
	// offered again, to the service it enters.
	Offered int64
	// Answered counts queue segments ended by an agent's accept.
	Answered int64
	// AnsweredInSL counts answered segments whose speed of answer was at
	// most the service-level threshold T.
	AnsweredInSL int64
	// Abandoned counts queue segments ended by the customer leaving
	// (abandoned) or the chat closing, after waiting at least the
	// short-abandon threshold.
	Abandoned int64
	// ShortAbandoned counts those that waited less than the threshold;
	// they are left out of service level.
	ShortAbandoned int64
	// AnswerMicros sums speed of answer (queue entry → accept) over the
	// answered segments.
	AnswerMicros int64
	// Offers counts offers made to agents (declined ones included).
	Offers int64
	// Handled counts ended agent segments; HandleMicros sums their handle
	// time (accept → transfer away, agent leaving, close or re-queue).
	Handled      int64
	HandleMicros int64
	// OverLimit counts ended agent segments longer than the chat-time
	// limit.
	OverLimit int64
	// FirstResponses counts agent segments with a first response;
	// FirstResponseMicros sums their first response times.
	FirstResponses      int64
	FirstResponseMicros int64
	// Transfers counts transfers away from an agent (or out of a queue).
	Transfers int64
	// Conferences counts agents joining a chat as conference guests.
	Conferences int64
	// SurveyAnswers counts survey answers; SurveyPositive those scored 4
	// or 5.
	SurveyAnswers  int64
	SurveyPositive int64
}

// CounterColumns names the Counters fields, in the order of Fields, as
// the aggregate table's columns.
var CounterColumns = []string{
	"offered", "answered", "answered_in_sl", "abandoned", "short_abandoned",
	"answer_micros", "offers", "handled", "handle_micros", "over_limit",
	"first_responses", "first_response_micros", "transfers", "conferences",
	"survey_answers", "survey_positive",
}

// Fields returns pointers to the counters in CounterColumns order.
func (c *Counters) Fields() []*int64 {
	return []*int64{
		&c.Offered, &c.Answered, &c.AnsweredInSL, &c.Abandoned, &c.ShortAbandoned,
		&c.AnswerMicros, &c.Offers, &c.Handled, &c.HandleMicros, &c.OverLimit,
		&c.FirstResponses, &c.FirstResponseMicros, &c.Transfers, &c.Conferences,
		&c.SurveyAnswers, &c.SurveyPositive,
	}
}

// Add adds o to c.
func (c *Counters) Add(o Counters) {
	dst, src := c.Fields(), o.Fields()
	for i := range dst {
		*dst[i] += *src[i]
	}
}

// Sub subtracts o from c.
func (c *Counters) Sub(o Counters) {
	dst, src := c.Fields(), o.Fields()
	for i := range dst {
		*dst[i] -= *src[i]
	}
}

// IsZero reports whether every counter is 0.
func (c Counters) IsZero() bool {
	for _, f := range c.Fields() {
		if *f != 0 {
			return false
		}
	}
	return true
}

// ServiceLevel is the percentage of chats answered within T among the
// answered and abandoned ones: 100 × AnsweredInSL / (Answered +
// Abandoned). Short-abandoned chats are in neither part. ok is false when
// the denominator is 0.
func (c Counters) ServiceLevel() (pct float64, ok bool) {
	return percent(c.AnsweredInSL, c.Answered+c.Abandoned)
}

// AverageSpeedOfAnswer is AnswerMicros / Answered: the mean time from
// queue entry to accept of answered chats. ok is false without any.
func (c Counters) AverageSpeedOfAnswer() (time.Duration, bool) {
	return average(c.AnswerMicros, c.Answered)
}

// AverageFirstResponse is FirstResponseMicros / FirstResponses.
func (c Counters) AverageFirstResponse() (time.Duration, bool) {
	return average(c.FirstResponseMicros, c.FirstResponses)
}

// AverageHandleTime is HandleMicros / Handled.
func (c Counters) AverageHandleTime() (time.Duration, bool) {
	return average(c.HandleMicros, c.Handled)
}

// CSAT is the percentage of survey answers scored 4 or 5 among all
// answers: 100 × SurveyPositive / SurveyAnswers.
func (c Counters) CSAT() (pct float64, ok bool) {
	return percent(c.SurveyPositive, c.SurveyAnswers)
}

func percent(num, den int64) (float64, bool) {
	if den == 0 {
		return 0, false
	}
	return 100 * float64(num) / float64(den), true
}

func average(sumMicros, n int64) (time.Duration, bool) {
	if n == 0 {
		return 0, false
	}
	return time.Duration(sumMicros/n) * time.Microsecond, true
}
