package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/audit"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/telemetry"
)

// metricsRoutes adds the wallboard, the reports and the thresholds.
func (s *Server) metricsRoutes(mux *http.ServeMux) {
	sup := []string{parley.RoleSupervisor, parley.RoleAdmin}
	mux.HandleFunc("GET /wallboard", s.withPageUser(s.supervisorOnly("wallboard", "Wallboard")))
	mux.HandleFunc("GET /reports", s.withPageUser(s.supervisorOnly("reports", "Reports")))
	mux.HandleFunc("GET /api/wallboard", s.withRole(s.wallboardView, sup...))
	mux.HandleFunc("GET /api/wallboard/stream", s.withRole(s.wallboardStream, sup...))
	mux.HandleFunc("GET /api/reports", s.withRole(s.reportView, sup...))
	mux.HandleFunc("GET /api/reports/{table}", s.withRole(s.reportTable, sup...))
	mux.HandleFunc("GET /api/reports/{table}/csv", s.withRole(s.reportCSV, sup...))
	mux.HandleFunc("GET /api/thresholds", s.withRole(s.thresholdsView, sup...))
	mux.HandleFunc("PUT /api/services/{id}/thresholds", s.withRole(s.setThresholds, parley.RoleAdmin))
	mux.HandleFunc("POST /api/reports/recount", s.withRole(s.recountReports, parley.RoleAdmin))
}

// recountReports recounts the report history with today's thresholds.
func (s *Server) recountReports(w http.ResponseWriter, r *http.Request) {
	n, err := s.Conversations.RecountHistory(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "reports.recount", ObjectType: "reports", After: map[string]int{"chats": n}})
	writeJSON(w, http.StatusOK, map[string]int{"chats": n})
}

func (s *Server) wallboardView(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	wb, err := s.Conversations.Wallboard(r.Context(), u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wb.ForScope(conversation.SupervisorScope(u)))
}

// wallRefresh is how often an open wallboard is recomputed without an
// event: waits grow and the last 30 minutes slide.
const wallRefresh = 5 * time.Second

// wallboardStream pushes the tenant's wallboard as Server-Sent Events:
// "wallboard" (the whole board, JSON) at once, after every batch of the
// tenant's events and every wallRefresh, and "threshold.crossed" for
// each alert. The events come from the node's feed (web/feed); the board
// is computed once per batch for every open wallboard of the tenant
// (wallCache), never per browser.
func (s *Server) wallboardStream(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tenant := userFrom(ctx).TenantID
	scope := conversation.SupervisorScope(userFrom(ctx))
	last, err := s.Conversations.LastEventID(ctx, tenant)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sub, rc, ok := s.openStream(w, r, tenant, last, "")
	if !ok {
		return
	}
	defer sub.Close()
	defer telemetry.SSEClients.Dec()
	send := func(seen int64, maxAge time.Duration) bool {
		data, err := s.wall.get(ctx, s.Conversations, tenant, scope, seen, maxAge)
		if err != nil {
			s.Logger.Warn("wallboard", "err", err)
			return ctx.Err() == nil
		}
		_, err = fmt.Fprintf(w, "event: wallboard\ndata: %s\n\n", data)
		return err == nil && rc.Flush() == nil
	}
	if !send(last, wallRefresh) {
		return
	}
	refresh := time.NewTicker(wallRefresh)
	defer refresh.Stop()
	for {
		evs, err := sub.Next(ctx)
		if err != nil {
			return
		}
		for _, e := range evs {
			last = e.ID
			if e.Type == parley.EventThresholdCrossed && alertInScope(e.Data, scope) {
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, e.Data)
			}
		}
		if len(evs) > 0 {
			if !send(last, 0) {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-sub.Done():
			return
		case <-sub.Wake():
		case <-refresh.C:
			if !send(0, wallRefresh) {
				return
			}
		}
	}
}

// wallCache shares the computed wallboards of each tenant between the
// open streams: a board computed after event id N serves every stream
// that has seen up to N.
type wallCache struct {
	mu      sync.Mutex
	tenants map[string]*wallEntry
}

type wallEntry struct {
	mu    sync.Mutex
	seen  int64
	at    time.Time
	data  []byte
	board *conversation.Wallboard
}

// get returns the tenant's board computed after event seen, no older
// than maxAge (0: any age will do if it is after seen).
// A supervisor of some services gets the board narrowed to them (scope),
// encoded for her alone; everyone else shares the tenant's encoding.
func (c *wallCache) get(ctx context.Context, conv *conversation.Service, tenant string, scope []string, seen int64, maxAge time.Duration) ([]byte, error) {
	data, board, err := c.board(ctx, conv, tenant, seen, maxAge)
	if err != nil || scope == nil {
		return data, err
	}
	return json.Marshal(board.ForScope(scope))
}

func (c *wallCache) board(ctx context.Context, conv *conversation.Service, tenant string, seen int64, maxAge time.Duration) ([]byte, *conversation.Wallboard, error) {
	c.mu.Lock()
	if c.tenants == nil {
		c.tenants = map[string]*wallEntry{}
	}
	e := c.tenants[tenant]
	if e == nil {
		e = &wallEntry{}
		c.tenants[tenant] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	fresh := maxAge == 0 || time.Since(e.at) < maxAge
	if e.data != nil && e.seen >= seen && fresh {
		return e.data, e.board, nil
	}
	wb, err := conv.Wallboard(ctx, tenant)
	if err != nil {
		return nil, nil, err
	}
	data, err := json.Marshal(wb)
	if err != nil {
		return nil, nil, err
	}
	if seen > e.seen {
		e.seen = seen
	}
	e.at, e.data, e.board = time.Now(), data, wb
	return data, wb, nil
}

func (s *Server) thresholdsView(w http.ResponseWriter, r *http.Request) {
	ts, err := s.Conversations.Thresholds(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"thresholds": ts})
}

func (s *Server) setThresholds(w http.ResponseWriter, r *http.Request) {
	var v conversation.ThresholdsView
	if !s.readJSON(w, r, &v) {
		return
	}
	v.ServiceID = r.PathValue("id")
	var before any
	if all, err := s.Conversations.Thresholds(r.Context(), userFrom(r.Context())); err == nil {
		for _, t := range all {
			if t.ServiceID == v.ServiceID {
				before = t
			}
		}
	}
	out, err := s.Conversations.SetThresholds(r.Context(), userFrom(r.Context()), v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.audited(r, audit.Change{Action: "service.thresholds", ObjectType: "service", ObjectID: v.ServiceID, Before: before, After: out})
	writeJSON(w, http.StatusOK, out)
}

// alertInScope reports whether a threshold alert is of a service the
// supervisor sees (nil scope: every one).
func alertInScope(data []byte, scope []string) bool {
	if scope == nil {
		return true
	}
	var a struct {
		ServiceID string `json:"service_id"`
	}
	return json.Unmarshal(data, &a) == nil && slices.Contains(scope, a.ServiceID)
}
