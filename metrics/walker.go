package metrics

import (
	"time"

	"github.com/parleycc/parley"
)

// queueSeg is an open queue segment.
type queueSeg struct {
	service string
	entered time.Time
}

// agentSeg is an agent segment, open or ended.
type agentSeg struct {
	service  string
	agent    string
	accepted time.Time
	anchor   time.Time // the start of the queue segment it came from, or the accept
	// customerBefore: the customer had written before the segment began,
	// so the first-response clock starts at the accept.
	customerBefore bool
	clockStart     time.Time // when the first-response clock started; zero: not yet
	responded      bool
	ended          bool
}

// walker runs through one chat's timeline and adds its figures to out.
type walker struct {
	cfg           Config
	out           rowSet
	tenant        string
	queue         *queueSeg
	seg           *agentSeg // the current or last agent segment
	customerWrote bool
}

func (w *walker) step(f *parley.Fact) {
	w.tenant = f.TenantID
	switch f.Kind {
	case parley.FactEnteredQueue:
		w.enterQueue(f)
	case parley.FactOffered:
		w.offered(f)
	case parley.FactAccepted:
		w.accepted(f)
	case parley.FactCustomerMessage:
		w.customerMessage(f)
	case parley.FactFirstAgentReply, parley.FactAgentReply:
		w.agentReply(f)
	case parley.FactTransferred:
		w.transferred(f)
	case parley.FactAgentLeft:
		if w.open() && w.seg.agent == f.AgentID {
			w.endSegment(f.At)
		}
	case parley.FactConferenceJoined:
		w.conference(f)
	case parley.FactAbandoned, parley.FactClosed:
		w.leaveQueue(f)
		if f.Kind == parley.FactClosed && w.open() {
			w.endSegment(f.At)
		}
	case parley.FactSurveyAnswered:
		w.survey(f)
	}
}

// open reports whether an agent segment is in progress.
func (w *walker) open() bool { return w.seg != nil && !w.seg.ended }

// enterQueue starts a queue segment: offered. It ends an agent segment
// still open (the chat went back to a queue).
func (w *walker) enterQueue(f *parley.Fact) {
	if w.queue != nil && w.queue.service == f.ServiceID {
		return
	}
	if w.open() {
		w.endSegment(f.At)
	}
	w.queue = &queueSeg{service: f.ServiceID, entered: f.At}
	w.out.add(w.tenant, f.ServiceID, "", f.At, Counters{Offered: 1})
}

// offered counts an offer to an agent in the interval of the queue
// segment it was made in.
func (w *walker) offered(f *parley.Fact) {
	service, anchor := f.ServiceID, f.At
	if w.queue != nil {
		service, anchor = w.queue.service, w.queue.entered
	}
	w.out.add(w.tenant, service, f.AgentID, anchor, Counters{Offers: 1})
}

// accepted ends the queue segment as answered and begins an agent segment.
func (w *walker) accepted(f *parley.Fact) {
	if w.open() {
		w.endSegment(f.At)
	}
	seg := &agentSeg{service: f.ServiceID, agent: f.AgentID, accepted: f.At, anchor: f.At, customerBefore: w.customerWrote}
	if q := w.queue; q != nil {
		seg.service, seg.anchor = q.service, q.entered
		wait := f.At.Sub(q.entered)
		c := Counters{Answered: 1, AnswerMicros: wait.Microseconds()}
		if wait <= w.cfg.For(q.service).ServiceLevel {
			c.AnsweredInSL = 1
		}
		w.out.add(w.tenant, q.service, f.AgentID, q.entered, c)
		w.queue = nil
	}
	if seg.customerBefore {
		seg.clockStart = f.At
	}
	w.seg = seg
}

// leaveQueue ends a waiting chat's queue segment as abandoned or
// short-abandoned, by how long it waited.
func (w *walker) leaveQueue(f *parley.Fact) {
	q := w.queue
	if q == nil {
		return
	}
	w.queue = nil
	c := Counters{Abandoned: 1}
	if f.At.Sub(q.entered) < w.cfg.For(q.service).ShortAbandon {
		c = Counters{ShortAbandoned: 1}
	}
	w.out.add(w.tenant, q.service, "", q.entered, c)
}

// customerMessage starts the first-response clock of a segment whose
// customer had not written before it began.
func (w *walker) customerMessage(f *parley.Fact) {
	w.customerWrote = true
	if w.open() && w.seg.clockStart.IsZero() {
		w.seg.clockStart = f.At
	}
}

// agentReply stops the first-response clock at the first reply of a
// human agent (the owner or a guest) once it runs.
func (w *walker) agentReply(f *parley.Fact) {
	s := w.seg
	if f.AgentID == "" || !w.open() || s.responded || s.clockStart.IsZero() {
		return
	}
	s.responded = true
	frt := f.At.Sub(s.clockStart)
	w.out.add(w.tenant, s.service, s.agent, s.anchor, Counters{FirstResponses: 1, FirstResponseMicros: frt.Microseconds()})
}

// transferred ends the agent segment (or the queue segment) with a
// transfer.
func (w *walker) transferred(f *parley.Fact) {
	switch {
	case w.open():
		s := w.seg
		w.out.add(w.tenant, s.service, s.agent, s.anchor, Counters{Transfers: 1})
		w.endSegment(f.At)
	case w.queue != nil:
		w.out.add(w.tenant, w.queue.service, "", w.queue.entered, Counters{Transfers: 1})
		w.queue = nil
	}
}

// endSegment ends the open agent segment at end: handled, its handle time
// and whether it ran over the chat-time limit.
func (w *walker) endSegment(end time.Time) {
	s := w.seg
	s.ended = true
	handle := end.Sub(s.accepted)
	c := Counters{Handled: 1, HandleMicros: handle.Microseconds()}
	if limit := w.cfg.For(s.service).ChatTimeLimit; limit > 0 && handle > limit {
		c.OverLimit = 1
	}
	w.out.add(w.tenant, s.service, s.agent, s.anchor, c)
}

// conference counts a guest joining, with the segment in progress.
func (w *walker) conference(f *parley.Fact) {
	service, anchor := f.ServiceID, f.At
	if w.open() {
		service, anchor = w.seg.service, w.seg.anchor
	}
	w.out.add(w.tenant, service, f.AgentID, anchor, Counters{Conferences: 1})
}

// survey counts an answer with the last agent segment; a chat no agent
// took has no survey figures.
func (w *walker) survey(f *parley.Fact) {
	s := w.seg
	if s == nil {
		return
	}
	c := Counters{SurveyAnswers: 1}
	if f.Score >= 4 {
		c.SurveyPositive = 1
	}
	w.out.add(w.tenant, s.service, s.agent, s.anchor, c)
}
