package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// Graph is the Graph API the server under test sends through: the repo's
// fake (channel/messenger/fakegraph, the real wire protocol) behind a
// recorder that notes when each Send API call arrived. The fake keeps only
// its latest sends and drops calls for slow subscribers, so the harness
// counts sends itself, before the fake answers.
type Graph struct {
	fake *fakegraph.Server
	srv  *http.Server
	ln   net.Listener
	url  string

	mu     sync.Mutex
	ledger *Ledger // nil until a run starts: sends before it are other sends
	run    string
}

// ListenGraph starts the fake Graph API on addr (host:port; port 0 picks
// one) for the pages of t.
func ListenGraph(addr string, t Tenant, log *slog.Logger) (*Graph, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("fake Graph API: %w", err)
	}
	g := &Graph{fake: fakegraph.New(), ln: ln, url: "http://" + ln.Addr().String()}
	for i := range t.PageCount() {
		id, token := t.Page(i)
		g.fake.AddPage(id, t.PageName, token)
	}
	g.srv = &http.Server{Handler: g, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	go func() {
		if err := g.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("fake Graph API stopped", slog.Any("err", err))
		}
	}()
	return g, nil
}

// URL is the base URL to give the page as api_base_url.
func (g *Graph) URL() string { return g.url }

// Close stops the fake.
func (g *Graph) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return g.srv.Shutdown(ctx)
}

// addCustomer gives the customer a profile (new customers are looked up).
func (g *Graph) addCustomer(psid, first, last string) { g.fake.SetProfile(psid, first, last, "") }

// record routes the sends of a run to its ledger.
func (g *Graph) record(run string, l *Ledger) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.run, g.ledger = run, l
}

// ServeHTTP notes Send API calls the fake accepts, then answers as it does.
func (g *Graph) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/messages") ||
		!strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		g.fake.ServeHTTP(w, r)
		return
	}
	at := time.Now()
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	g.fake.ServeHTTP(sw, r)
	if sw.code != http.StatusOK {
		return
	}
	var send struct {
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	_ = json.Unmarshal(body, &send) // the fake accepted it: it is valid JSON
	g.mu.Lock()
	l, run := g.ledger, g.run
	g.mu.Unlock()
	if l != nil {
		nonce, _ := replyNonce(run, send.Message.Text)
		l.GraphSent(nonce, at)
	}
}

// statusWriter remembers the status the fake answered.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (s *statusWriter) WriteHeader(code int) {
	s.code = code
	s.ResponseWriter.WriteHeader(code)
}
