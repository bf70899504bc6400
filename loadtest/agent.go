package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Event types the harness acts on (the Agent Desktop's names).
const (
	evOfferCreated = "offer.created"
	evChatAssigned = "chat.assigned"
	evMessage      = "message"
)

// agentWorkers is how many API calls (accepts, replies) one simulated
// agent makes at once; the stream reader never waits for them, so a
// slow answer does not delay the latency measured on the stream.
const agentWorkers = 2

// reconnectDelay is the wait before reopening a stream that ended, like
// the `retry: 2000` the server gives browsers, but shorter.
const reconnectDelay = 500 * time.Millisecond

// agent is one Agent Desktop: a session, the live event stream, and
// workers that accept offers and answer every customer message.
type agent struct {
	name   string
	run    string
	s      *session
	ledger *Ledger
	log    *slog.Logger
	// connected is told the customer whose chat was assigned to this agent.
	connected func(customer int)

	id       string
	tasks    chan task
	inflight atomic.Int64 // tasks queued or running
	errs     atomic.Int64 // failed accepts and replies

	mu        sync.Mutex
	chats     map[string]bool // assigned to this agent during the run
	accepting map[string]bool
	lastEvent int64
}

// task is an API call the agent makes off the stream reader.
type task struct {
	accept bool // else reply
	chatID string
	nonce  string
}

func newAgent(name, run string, s *session, l *Ledger, log *slog.Logger, connected func(int)) *agent {
	return &agent{name: name, run: run, s: s, ledger: l, log: log.With(slog.String("agent", name)), connected: connected,
		tasks: make(chan task, 4096), chats: map[string]bool{}, accepting: map[string]bool{}}
}

// login signs in (tenant "" is the server's default).
func (a *agent) login(ctx context.Context, tenant, password string) error {
	var out struct {
		User struct {
			ID string `json:"id"`
		} `json:"user"`
	}
	in := map[string]string{"username": a.name, "password": password}
	if tenant != "" {
		in["tenant"] = tenant
	}
	if err := a.s.do(ctx, http.MethodPost, "/api/login", in, &out); err != nil {
		return fmt.Errorf("log in %s: %w", a.name, err)
	}
	a.id = out.User.ID
	return nil
}

// ready makes the agent Ready for chats.
func (a *agent) ready(ctx context.Context) error {
	if err := a.s.do(ctx, http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil); err != nil {
		return fmt.Errorf("%s ready: %w", a.name, err)
	}
	return nil
}

// openStream opens the live event stream after event last (0: from now).
func (a *agent) openStream(ctx context.Context, last int64) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.s.base+"/api/events", nil)
	if err != nil {
		return nil, fmt.Errorf("%s events: %w", a.name, err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if last > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(last, 10))
	}
	resp, err := a.s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s events: %w", a.name, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("%s events: HTTP %d", a.name, resp.StatusCode)
	}
	return resp, nil
}

// stream reads the events of first (an open stream) and, when a stream
// ends before ctx does, reopens it from the last event seen, as a
// browser's EventSource does.
func (a *agent) stream(ctx context.Context, first *http.Response) {
	resp := first
	for {
		err := readSSE(resp.Body, a.handle)
		resp.Body.Close()
		if ctx.Err() != nil {
			return
		}
		a.log.Warn("event stream ended; reconnecting", slog.Any("err", err))
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(reconnectDelay):
			}
			a.mu.Lock()
			last := a.lastEvent
			a.mu.Unlock()
			if resp, err = a.openStream(ctx, last); err == nil {
				break
			}
			a.log.Warn("reopen the event stream", slog.Any("err", err))
		}
	}
}

// handle reads one event: it notes what the browser now shows and queues
// what the agent does about it. It never calls the server itself.
func (a *agent) handle(ev sseEvent) {
	a.mu.Lock()
	if ev.id <= a.lastEvent {
		a.mu.Unlock()
		a.ledger.StreamFault(fmt.Sprintf("%s: event %d (%s) after %d", a.name, ev.id, ev.typ, a.lastEvent))
		return
	}
	a.lastEvent = ev.id
	a.mu.Unlock()
	switch ev.typ {
	case evOfferCreated:
		var o offerView
		if json.Unmarshal([]byte(ev.data), &o) != nil || o.Chat == nil || o.AgentID != a.id {
			return
		}
		if _, ok := a.shown(o.Chat.LastCustomerMessage, ev.at); !ok {
			return // not this run's chat
		}
		a.mu.Lock()
		dup := a.accepting[o.Chat.ID]
		a.accepting[o.Chat.ID] = true
		a.mu.Unlock()
		if !dup {
			a.queue(task{accept: true, chatID: o.Chat.ID})
		}
	case evChatAssigned:
		var c chatView
		if json.Unmarshal([]byte(ev.data), &c) != nil || c.AgentID != a.id {
			return
		}
		nonce, ok := a.shown(c.LastCustomerMessage, ev.at)
		if !ok {
			return
		}
		a.mu.Lock()
		a.chats[c.ID] = true
		a.mu.Unlock()
		if cust, ok := customerOf(nonce); ok {
			a.connected(cust)
		}
		a.queue(task{chatID: c.ID, nonce: nonce})
	case evMessage:
		var m messageView
		if json.Unmarshal([]byte(ev.data), &m) != nil {
			return
		}
		if nonce, ok := a.shown(&m, ev.at); ok {
			a.queue(task{chatID: m.ChatID, nonce: nonce})
		}
	}
}

// shown records that the browser shows a customer's message of this run.
func (a *agent) shown(m *messageView, at time.Time) (string, bool) {
	if m == nil || m.Sender != "customer" {
		return "", false
	}
	nonce, ok := nonceOf(a.run, m.Text)
	if ok {
		a.ledger.Shown(nonce, m.ID, at)
	}
	return nonce, ok
}

func (a *agent) queue(t task) {
	a.inflight.Add(1)
	a.tasks <- t
}

// work runs queued tasks until ctx ends.
func (a *agent) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-a.tasks:
			a.do(ctx, t)
			a.inflight.Add(-1)
		}
	}
}

func (a *agent) do(ctx context.Context, t task) {
	if t.accept {
		err := a.s.do(ctx, http.MethodPost, "/api/chats/"+t.chatID+"/accept", nil, nil)
		var he *httpError
		if errors.As(err, &he) && he.code == http.StatusConflict {
			return // withdrawn, or taken by routing meanwhile: not the agent's fault
		}
		if err != nil && ctx.Err() == nil {
			a.errs.Add(1)
			a.log.Warn("accept", slog.String("chat", t.chatID), slog.Any("err", err))
		}
		return
	}
	if !a.ledger.Replying(t.nonce, time.Now()) {
		return // answered already (the message was shown twice)
	}
	err := a.s.do(ctx, http.MethodPost, "/api/chats/"+t.chatID+"/messages", map[string]string{"text": replyText(t.nonce)}, nil)
	if err != nil {
		if ctx.Err() == nil {
			a.errs.Add(1)
			a.log.Warn("reply", slog.String("chat", t.chatID), slog.Any("err", err))
		}
		return
	}
	a.ledger.ReplyAccepted(t.nonce)
}

// idle reports whether the agent has nothing queued or running.
func (a *agent) idle() bool { return a.inflight.Load() == 0 }

// assigned returns the chats assigned to the agent during the run.
func (a *agent) assigned() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]string, 0, len(a.chats))
	for id := range a.chats {
		out = append(out, id)
	}
	return out
}

// readTranscripts records every customer message of this run the agent's
// chats hold, reading each chat's messages page by page.
func (a *agent) readTranscripts(ctx context.Context) error {
	for _, id := range a.assigned() {
		after := int64(0)
		for {
			var page struct {
				Messages  []messageView `json:"messages"`
				NextAfter *int64        `json:"next_after"`
			}
			path := "/api/chats/" + id + "/messages?limit=1000&after=" + strconv.FormatInt(after, 10)
			if err := a.s.do(ctx, http.MethodGet, path, nil, &page); err != nil {
				return fmt.Errorf("%s reads chat %s: %w", a.name, id, err)
			}
			for _, m := range page.Messages {
				if m.Sender != "customer" {
					continue
				}
				if nonce, ok := nonceOf(a.run, m.Text); ok {
					a.ledger.Stored(nonce, m.ID)
				}
			}
			if page.NextAfter == nil {
				break
			}
			after = *page.NextAfter
		}
	}
	return nil
}

// logout signs the agent off, as the desktop's Log out does (a desktop
// that just vanishes is reported gone by the server).
func (a *agent) logout(ctx context.Context) {
	if err := a.s.do(ctx, http.MethodPost, "/api/logout", nil, nil); err != nil {
		a.log.Warn("log out", slog.Any("err", err))
	}
}

// closeChats ends the agent's chats of the run, so the next run finds the
// agents free; it returns how many could not be closed.
func (a *agent) closeChats(ctx context.Context) int {
	failed := 0
	for _, id := range a.assigned() {
		if err := a.s.do(ctx, http.MethodPost, "/api/chats/"+id+"/close", nil, nil); err != nil {
			failed++
			a.log.Warn("close chat", slog.String("chat", id), slog.Any("err", err))
		}
	}
	return failed
}
