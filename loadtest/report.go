package loadtest

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Report is what a run measured.
type Report struct {
	Run        string  `json:"run"`
	URL        string  `json:"url"`
	Customers  int     `json:"customers"`
	Agents     int     `json:"agents"`
	TargetRate float64 `json:"target_rate"` // messages/s asked for
	// Opening is the time from the first message of the first chat until
	// agents held every chat; Sending the time connected chats wrote.
	Opening time.Duration `json:"-"`
	Sending time.Duration `json:"-"`
	// Throughput is acknowledged messages per second of Sending (the
	// server's ingest); Delivered, messages shown to agents per second
	// from the first written to the last shown (its processing).
	Throughput     float64      `json:"throughput"`
	Delivered      float64      `json:"delivered_per_second"`
	Webhooks       WebhookStats `json:"webhooks"`
	ChatsConnected int          `json:"chats_connected"`
	Latency        Latencies    `json:"latency"`
	Check          Check        `json:"check"`
	// AgentErrors are accepts and replies the server refused or failed.
	AgentErrors   int64    `json:"agent_errors"`
	CloseFailures int      `json:"close_failures"`
	Memory        *Memory  `json:"server_memory,omitempty"`
	CPU           *CPU     `json:"server_cpu,omitempty"`
	Notes         []string `json:"notes,omitempty"`
}

// WebhookStats counts the customers' side.
type WebhookStats struct {
	Messages int64 `json:"messages"` // written
	Posts    int64 `json:"posts"`    // webhook POSTs, retries included
	Failures int64 `json:"failures"` // POSTs not answered 2xx
	Acked    int64 `json:"acked"`    // messages acknowledged
	GivenUp  int64 `json:"given_up"` // messages never acknowledged
}

// MarshalJSON adds the phases' times in seconds.
func (r *Report) MarshalJSON() ([]byte, error) {
	type plain Report
	return json.Marshal(struct {
		*plain
		Opening float64 `json:"opening_seconds"`
		Sending float64 `json:"sending_seconds"`
	}{(*plain)(r), r.Opening.Seconds(), r.Sending.Seconds()})
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "parley bench run %s against %s\n", r.Run, r.URL)
	fmt.Fprintf(w, "  %d customers, %d agents, target %.0f msg/s\n", r.Customers, r.Agents, r.TargetRate)
	fmt.Fprintf(w, "Chats: %d of %d connected to an agent in %.1fs\n", r.ChatsConnected, r.Customers, r.Opening.Seconds())
	wh := r.Webhooks
	fmt.Fprintf(w, "Webhooks: %d messages, %d acknowledged (%d POSTs, %d not 2xx, %d given up)\n",
		wh.Messages, wh.Acked, wh.Posts, wh.Failures, wh.GivenUp)
	fmt.Fprintf(w, "Throughput in connected chats: %.1f msg/s acknowledged over %.1fs, %.1f msg/s shown to agents\n",
		r.Throughput, r.Sending.Seconds(), r.Delivered)
	fmt.Fprintf(w, "Latency                           count      p50      p90      p99      max\n")
	row := func(name string, l Latency) {
		fmt.Fprintf(w, "  %-30s %6d %8s %8s %8s %8s\n", name, l.Count, ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))
	}
	row("webhook → agent, new chat", r.Latency.FirstMessage)
	row("webhook → agent, connected", r.Latency.Message)
	row("agent reply → Send API", r.Latency.Reply)
	c := r.Check
	verdict := "OK"
	if !c.OK {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "Exactly once: %s\n", verdict)
	fmt.Fprintf(w, "  customer messages: %d acknowledged, %d shown to an agent, %d lost, %d duplicated\n",
		c.Acked, c.Shown, c.Lost, c.Duplicated)
	if c.Transcripts {
		fmt.Fprintf(w, "  transcripts: %d missing, %d stored twice\n", c.MissingInStore, c.DuplicatedInStore)
	} else {
		fmt.Fprintf(w, "  transcripts: not read\n")
	}
	fmt.Fprintf(w, "  agent replies: %d accepted, %d at the Graph API, %d lost, %d duplicated (%d other sends)\n",
		c.RepliesAccepted, c.RepliesDelivered, c.RepliesLost, c.RepliesDuplicated, c.OtherSends)
	if c.Strange > 0 {
		fmt.Fprintf(w, "  %d unexpected sightings or stream faults\n", c.Strange)
	}
	for _, p := range c.Problems {
		fmt.Fprintf(w, "  - %s\n", p)
	}
	if r.AgentErrors > 0 || r.CloseFailures > 0 {
		fmt.Fprintf(w, "Agents: %d failed accepts or replies, %d chats not closed\n", r.AgentErrors, r.CloseFailures)
	}
	if r.Memory != nil {
		fmt.Fprintf(w, "Server memory: %s resident, %s at most\n", mib(r.Memory.RSS), mib(r.Memory.Peak))
	}
	if c := r.CPU; c != nil {
		fmt.Fprintf(w, "Server CPU while customers wrote and until settled: %.1fs in %.1fs (%.2f cores), %.2fms per message and its reply\n",
			c.Seconds, c.Wall, c.Seconds/max(c.Wall, 1e-9), c.PerMessage)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
