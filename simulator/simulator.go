// Package simulator lets anyone play a customer against a running Parley,
// on every messaging platform Parley speaks: Messenger, Telegram, LINE,
// Viber and SMS through Vonage. For each it serves the platform's fake API
// (which records what Parley sends back) and posts webhooks signed the
// platform's way to Parley's own webhook URLs. `parley demo` mounts it
// under /simulator/.
package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// Where each platform's fake is mounted; a demo account's api_base_url is
// the server's address plus its path.
const (
	GraphPath    = "/simulator/graph"
	TelegramPath = "/simulator/telegram"
	LinePath     = "/simulator/line"
	ViberPath    = "/simulator/viber"
	VonagePath   = "/simulator/vonage"
)

// The channels the API's channel parameter names. Except for Messenger
// they are the Parley account types.
const (
	Messenger = "messenger"
	Telegram  = "telegram"
	Line      = "line"
	Viber     = "viber"
	Vonage    = "vonage"
)

// Simulator is an http.Handler for /simulator/api/, /simulator/media/ and
// the platforms' fakes.
type Simulator struct {
	PageID    string
	AppSecret string
	// WebhookURL is Parley's own POST /webhooks/facebook address.
	WebhookURL string
	// AccountURL returns Parley's webhook URL (/webhooks/{type}/{id}) of the
	// account a channel's customers write to. It is asked on every send,
	// so accounts added by a reload are found.
	AccountURL func(ctx context.Context, channel string) (string, error)
	HTTPClient *http.Client
	Graph      *fakegraph.Server

	mux      *http.ServeMux
	seq      atomic.Int64
	channels map[string]channel

	mu   sync.Mutex
	seen map[string]time.Time // reply id → when the simulator first saw it

	closed    chan struct{} // closed by Close: open streams end
	closeOnce sync.Once
}

// channel is one platform as the simulator plays it.
type channel interface {
	// validUser reports whether id is a customer id of the platform.
	validUser(id string) bool
	// deliver posts the customer's action to Parley, the platform's way,
	// and returns the id of the customer's message.
	deliver(ctx context.Context, req *sendRequest) (string, error)
	// replies returns what Parley sent to the customer, oldest first.
	replies(user string) []Reply
}

// WebhookInboxPath accepts the demo's outgoing webhooks.
const WebhookInboxPath = "/simulator/webhook-inbox"

// New returns a simulator for one Facebook page, whose fake Graph API
// accepts token. Add the other platforms with AddTelegram, AddLine,
// AddViber and AddVonage.
func New(pageID, pageName, token, appSecret string) *Simulator {
	s := &Simulator{PageID: pageID, AppSecret: appSecret, HTTPClient: &http.Client{Timeout: 10 * time.Second},
		Graph: fakegraph.New(), channels: map[string]channel{}, seen: map[string]time.Time{},
		closed: make(chan struct{})}
	s.Graph.AddPage(pageID, pageName, token)
	s.channels[Messenger] = &messengerSim{s: s}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /simulator/api/send", s.send)
	s.mux.HandleFunc("GET /simulator/api/messages", s.messages)
	s.mux.HandleFunc("GET /simulator/api/stream", s.stream)
	s.mux.HandleFunc("GET /simulator/media/sample.png", s.servePhoto)
	// The demo's outgoing webhook target: an integrator that accepts
	// everything, so Admin → Webhooks shows deliveries out of the box.
	s.mux.HandleFunc("POST /simulator/webhook-inbox", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.WriteHeader(http.StatusNoContent)
	})
	s.mount(GraphPath, s.Graph)
	return s
}

// mount serves a fake under path.
func (s *Simulator) mount(path string, h http.Handler) {
	s.mux.Handle(path+"/", http.StripPrefix(path, h))
}

// Close ends the customers' open reply streams. Call it before
// http.Server.Shutdown, which otherwise waits for them (an open simulator
// page) until its deadline.
func (s *Simulator) Close() {
	s.closeOnce.Do(func() { close(s.closed) })
}

func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// accountURL is the webhook URL of a channel's account.
func (s *Simulator) accountURL(ctx context.Context, ch string) (string, error) {
	if s.AccountURL == nil {
		return "", fmt.Errorf("simulator: no %s account configured", ch)
	}
	u, err := s.AccountURL(ctx, ch)
	if err != nil {
		return "", fmt.Errorf("simulator: %s account: %w", ch, err)
	}
	return u, nil
}

// stamp returns when the simulator first saw a reply: the platforms' fakes
// keep no time, and the page orders the thread by it.
func (s *Simulator) stamp(id string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.seen[id]
	if !ok {
		t = time.Now()
		s.seen[id] = t
	}
	return t
}

// nextID returns a fresh sequence number for message ids.
func (s *Simulator) nextID() int64 { return s.seq.Add(1) }

// errUnsupported is an action the platform has no way to send.
var errUnsupported = errors.New("not available on this channel")
