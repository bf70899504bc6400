package loadtest

import (
	"sync"
	"time"
)

// Ledger records what happened to every message of a run, keyed by its
// nonce: the customer side (posted, acknowledged), what agents' browsers
// showed, what the chats' transcripts hold, and the agents' replies as
// posted and as the Graph API received them. Check reads it. It is safe
// for concurrent use.
type Ledger struct {
	mu      sync.Mutex
	in      map[string]*inbound
	replies map[string]*reply // by the nonce of the message answered
	// strange are SSE sightings of nonces this run never posted, and
	// stream faults (event ids repeated or going back).
	strange []string
	// otherSends counts Graph sends that are no reply of this run
	// (scenario prompts, earlier runs' outbox).
	otherSends int
}

// inbound is one customer message.
type inbound struct {
	first    bool      // it opens its chat: it waits for routing
	start    time.Time // the first webhook POST began
	acked    bool      // a POST of it was answered 2xx
	seen     time.Time // first shown in an agent's browser
	seenIDs  map[string]bool
	stored   map[string]bool // message ids holding it in transcripts
	verified bool            // transcripts were read for it
}

// reply is one agent answer.
type reply struct {
	start    time.Time // the reply POST began
	accepted bool      // the server answered 2xx
	arrivals []time.Time
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{in: map[string]*inbound{}, replies: map[string]*reply{}}
}

// Posting records that a customer message's first webhook POST starts now.
func (l *Ledger) Posting(nonce string, first bool, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.in[nonce]; !ok {
		l.in[nonce] = &inbound{first: first, start: at}
	}
}

// Acked records that the server acknowledged the message's webhook.
func (l *Ledger) Acked(nonce string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if m := l.in[nonce]; m != nil {
		m.acked = true
	}
}

// Shown records that an agent's browser received an event showing the
// message stored as msgID. The same message shown again (an offer, then
// the assignment; a status change) is no duplicate: a second message id
// for one nonce is.
func (l *Ledger) Shown(nonce, msgID string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.posted(nonce, "shown")
	if m == nil {
		return
	}
	if m.seenIDs == nil {
		m.seenIDs = map[string]bool{}
		m.seen = at
	}
	m.seenIDs[msgID] = true
}

// posted returns the message of nonce; a message nobody posted is noted
// as strange (seen where) and nil. The caller holds l.mu.
func (l *Ledger) posted(nonce, where string) *inbound {
	m := l.in[nonce]
	if m == nil {
		l.strange = append(l.strange, where+" but never posted: "+nonce)
	}
	return m
}

// Stored records a transcript's message msgID carrying nonce.
func (l *Ledger) Stored(nonce, msgID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := l.posted(nonce, "in a transcript")
	if m == nil {
		return
	}
	if m.stored == nil {
		m.stored = map[string]bool{}
	}
	m.stored[msgID] = true
}

// Verified records that the transcripts were read in full, so messages
// missing from them are lost.
func (l *Ledger) Verified() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.in {
		m.verified = true
	}
}

// StreamFault records something wrong with an event stream itself.
func (l *Ledger) StreamFault(what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.strange = append(l.strange, what)
}

// Replying records that an agent starts posting the reply to nonce now;
// false when the message was answered already (one reply per message).
func (l *Ledger) Replying(nonce string, at time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.replies[nonce]; ok {
		return false
	}
	l.replies[nonce] = &reply{start: at}
	return true
}

// ReplyAccepted records that the server took the reply to nonce.
func (l *Ledger) ReplyAccepted(nonce string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.replies[nonce]; r != nil {
		r.accepted = true
	}
}

// GraphSent records a Send API call the fake Graph received; nonce is
// that of the message it answers ("" for other sends).
func (l *Ledger) GraphSent(nonce string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.replies[nonce]
	if nonce == "" || r == nil {
		l.otherSends++
		return
	}
	r.arrivals = append(r.arrivals, at)
}

// settled reports whether every acknowledged message was shown and every
// accepted reply arrived: the run may stop waiting.
func (l *Ledger) settled() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.in {
		if m.acked && m.seenIDs == nil {
			return false
		}
	}
	for _, r := range l.replies {
		if r.accepted && len(r.arrivals) == 0 {
			return false
		}
	}
	return true
}

// pending counts acknowledged messages not shown yet and accepted replies
// not sent yet (progress while draining).
func (l *Ledger) pending() (messages, replies int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.in {
		if m.acked && m.seenIDs == nil {
			messages++
		}
	}
	for _, r := range l.replies {
		if r.accepted && len(r.arrivals) == 0 {
			replies++
		}
	}
	return messages, replies
}
