// Package metrics holds Parley's contact-center metric definitions: what
// offered, answered, abandoned, service level, speed of answer, first
// response, handle time, transfers and CSAT mean, computed from the facts
// of chats' lives (parley.Fact). docs/METRICS.md is the same text with
// examples and edge cases; each definition's doc comment here is the rule.
//
// The package is pure: it imports the domain and the standard library
// only, does no I/O and reads no clock.
//
// # Segments
//
// A chat's facts, ordered by time (then by the order they were stored),
// are its timeline. A timeline is cut into segments:
//
//   - A queue segment begins when the chat enters a service's queue
//     (entered_queue) and ends when it is accepted (answered), when the
//     customer leaves or the chat is closed first (abandoned or
//     short-abandoned), or when it is transferred while waiting.
//     Entering the queue of the same service again while waiting changes
//     nothing; entering another service's queue ends the first segment
//     without an outcome.
//   - An agent segment begins when an agent accepts the chat and ends when
//     that agent transfers it, leaves it (agent_left), it is closed, or
//     the chat enters a queue again.
//
// # Which interval a figure counts in
//
// Every figure of a queue segment, and of the agent segment that follows
// it, counts in the 15-minute interval in which that queue segment began
// (the entered_queue fact), whenever the answer, the reply, the end or the
// survey happened. An agent segment without a queue segment (an accept
// with no queue entry before it) counts in the interval of its accept.
// A survey answer counts with the last agent segment that began before
// it. Intervals are 15-minute buckets of absolute time; hours and days are
// formed from them in the tenant's time zone, so a day has 92, 96 or 100
// buckets.
//
// # Aggregates
//
// Counters (Counters) are kept per tenant, service, agent and 15-minute
// interval. Each figure is added both to its service's total row (agent
// "") and, when an agent is concerned, to that agent's row. The
// Aggregator turns a chat's newly stored facts into counter deltas: the
// contributions of the whole timeline minus those of the timeline before
// them, so late or out-of-order facts are counted exactly as a
// computation from all facts would count them.
package metrics
