package conversation

import (
	"strconv"
	"sync"

	"github.com/parleycc/parley"
)

// DefaultInboundParallel is how many customers' events one node handles at
// once when Config.InboundParallel is zero.
const DefaultInboundParallel = 16

// inboundLanes runs stored events with up to n customers at a time. Each
// customer (a lane key) has one queue worked in order by one goroutine,
// so a customer's messages reach their chat in the order they were
// stored, while a slow profile lookup or download holds up that customer
// alone.
type inboundLanes struct {
	// handle reports false when it left the event pending; the lane's
	// later events are then dropped too, to be read again in order.
	handle func(*inboundJob) bool
	slots  chan struct{}  // a slot is taken while an event is handled
	done   chan struct{}  // poked whenever an event is finished
	wg     sync.WaitGroup // one per draining lane

	mu      sync.Mutex
	queues  map[string][]*inboundJob // a key is present while its lane drains
	held    map[int64]bool           // events queued or being handled
	cooling map[string]bool          // lanes given up on until warm
	// finished, while the log is being read (non-nil), collects the
	// events handled meanwhile: the read may have seen them pending
	// before their processed mark, and they are no longer held.
	finished map[int64]bool
	stopped  bool
}

// inboundJob is a stored event with what processing it needs, decoded
// once: its account, the account's channel and the decoded event, or why
// that failed.
type inboundJob struct {
	ev   *parley.InboundEvent
	acct *parley.Account
	ch   parley.Channel
	in   *parley.Incoming
	copy *copyJob // an attachment copy (attachment_copies.go) instead of in
	err  error
}

// key is the lane of a job: its customer on its account; an attachment
// copy's message, beside its customer's lane; or the event alone when it
// names no customer (or could not be decoded).
func (j *inboundJob) key() string {
	if j.err == nil && j.copy != nil {
		return "copy\x00" + j.ev.AccountID + "\x00" + j.copy.MessageID
	}
	if j.err != nil || j.in == nil || j.in.CustomerID == "" {
		return "event\x00" + strconv.FormatInt(j.ev.ID, 10)
	}
	return j.ev.AccountID + "\x00" + j.in.CustomerID
}

func newInboundLanes(n int, handle func(*inboundJob) bool) *inboundLanes {
	if n <= 0 {
		n = DefaultInboundParallel
	}
	return &inboundLanes{handle: handle, slots: make(chan struct{}, n), done: make(chan struct{}, 1),
		queues: map[string][]*inboundJob{}, held: map[int64]bool{}, cooling: map[string]bool{}}
}

// warm lets lanes given up on take events again.
func (l *inboundLanes) warm() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.cooling)
}

// reading starts a read of the log: until the returned func is called,
// holds also reports the events handled since.
func (l *inboundLanes) reading() (done func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.finished = map[int64]bool{}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.finished = nil
	}
}

// holds reports whether the event is queued or being handled, or was
// handled during the current read.
func (l *inboundLanes) holds(id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[id] || l.finished[id]
}

// size is how many events are queued or being handled.
func (l *inboundLanes) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.held)
}

// add queues a job behind its customer's earlier ones. It reports false
// for a job of a lane given up on: it stays pending, read again when
// the lanes are warm.
func (l *inboundLanes) add(j *inboundJob) bool {
	key := j.key()
	l.mu.Lock()
	if l.stopped || l.held[j.ev.ID] || l.finished[j.ev.ID] || l.cooling[key] {
		l.mu.Unlock()
		return false
	}
	l.held[j.ev.ID] = true
	q, draining := l.queues[key]
	l.queues[key] = append(q, j)
	l.mu.Unlock()
	if !draining {
		l.wg.Add(1)
		go l.drain(key)
	}
	return true
}

// drain handles a lane's jobs in order until its queue is empty.
func (l *inboundLanes) drain(key string) {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		q := l.queues[key]
		if len(q) == 0 || l.stopped {
			for _, j := range q {
				delete(l.held, j.ev.ID)
			}
			delete(l.queues, key)
			l.mu.Unlock()
			poke(l.done)
			return
		}
		j := q[0]
		l.mu.Unlock()

		l.slots <- struct{}{}
		ok := l.handle(j)
		<-l.slots

		l.mu.Lock()
		l.queues[key] = l.queues[key][1:]
		delete(l.held, j.ev.ID)
		if ok && l.finished != nil {
			l.finished[j.ev.ID] = true
		}
		if !ok {
			// Left pending: the customer's later events wait for it,
			// so the lane stops and everything in it is read again.
			l.cooling[key] = true
			for _, later := range l.queues[key] {
				delete(l.held, later.ev.ID)
			}
			delete(l.queues, key)
			l.mu.Unlock()
			poke(l.done)
			return
		}
		l.mu.Unlock()
		poke(l.done)
	}
}

// stop drops the jobs not yet started; those being handled finish.
func (l *inboundLanes) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// wait returns when every lane has drained or stopped.
func (l *inboundLanes) wait() { l.wg.Wait() }
