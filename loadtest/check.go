package loadtest

import (
	"fmt"
	"maps"
	"slices"
)

// maxProblems bounds the examples a check lists; the counts are complete.
const maxProblems = 10

// Check is the exactly-once verdict of a run.
type Check struct {
	OK bool `json:"ok"`
	// Acked customer messages; Shown of them reached an agent's browser.
	Acked int `json:"acked"`
	Shown int `json:"shown"`
	// Lost were acknowledged and never shown; Duplicated were shown (or
	// stored) as more than one message.
	Lost       int `json:"lost"`
	Duplicated int `json:"duplicated"`
	// Transcripts: whether the chats' messages were read back, and the
	// acknowledged messages missing there or stored twice.
	Transcripts       bool `json:"transcripts_verified"`
	MissingInStore    int  `json:"missing_in_transcripts"`
	DuplicatedInStore int  `json:"duplicated_in_transcripts"`
	// Replies the server accepted; Delivered reached the Graph API.
	RepliesAccepted   int `json:"replies_accepted"`
	RepliesDelivered  int `json:"replies_delivered"`
	RepliesLost       int `json:"replies_lost"`
	RepliesDuplicated int `json:"replies_duplicated"`
	// Strange: messages shown or stored that were never posted, and
	// stream faults. Any fails the check.
	Strange int `json:"strange"`
	// OtherSends are Graph sends that answer none of this run's
	// messages (scenario prompts, earlier runs): counted, not judged.
	OtherSends int      `json:"other_sends"`
	Problems   []string `json:"problems,omitempty"`
}

// Check judges the run: every acknowledged customer message reached an
// agent's browser exactly once (and its transcript, when Verified was
// called), and every accepted reply reached the Graph API exactly once.
func (l *Ledger) Check() Check {
	l.mu.Lock()
	defer l.mu.Unlock()
	var c Check
	problem := func(format string, args ...any) {
		if len(c.Problems) < maxProblems {
			c.Problems = append(c.Problems, fmt.Sprintf(format, args...))
		}
	}
	for _, nonce := range slices.Sorted(maps.Keys(l.in)) {
		m := l.in[nonce]
		if len(m.seenIDs) > 1 || len(m.stored) > 1 {
			// Duplicates count even for messages whose webhook was never
			// acknowledged: a retried POST must not store twice.
			c.Duplicated++
			problem("%s: shown as %d messages, stored as %d", nonce, len(m.seenIDs), len(m.stored))
		}
		if !m.acked {
			continue
		}
		c.Acked++
		if m.seenIDs == nil {
			c.Lost++
			problem("%s: acknowledged, never shown to an agent", nonce)
		} else {
			c.Shown++
		}
		if m.verified {
			c.Transcripts = true
			switch {
			case len(m.stored) == 0:
				c.MissingInStore++
				problem("%s: acknowledged, not in its chat's transcript", nonce)
			case len(m.stored) > 1:
				c.DuplicatedInStore++
			}
		}
	}
	for _, nonce := range slices.Sorted(maps.Keys(l.replies)) {
		r := l.replies[nonce]
		if len(r.arrivals) > 1 {
			c.RepliesDuplicated++
			problem("reply to %s: sent to the Graph API %d times", nonce, len(r.arrivals))
		}
		if !r.accepted {
			continue
		}
		c.RepliesAccepted++
		if len(r.arrivals) == 0 {
			c.RepliesLost++
			problem("reply to %s: accepted, never sent to the Graph API", nonce)
		} else {
			c.RepliesDelivered++
		}
	}
	c.Strange = len(l.strange)
	for _, s := range l.strange {
		problem("%s", s)
	}
	c.OtherSends = l.otherSends
	c.OK = c.Lost == 0 && c.Duplicated == 0 && c.MissingInStore == 0 && c.DuplicatedInStore == 0 &&
		c.RepliesLost == 0 && c.RepliesDuplicated == 0 && c.Strange == 0
	return c
}
