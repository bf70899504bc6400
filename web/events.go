package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/telemetry"
	"github.com/parleycc/parley/web/feed"
)

// heartbeat keeps idle connections open through proxies and lets the
// server notice a browser that went away.
const heartbeat = 15 * time.Second

// openStream subscribes to the tenant's feed after event last, to the
// live events of agent ("": all; see feed.Hub.SubscribeAgent), and
// starts a Server-Sent Events answer; false when it answered with an
// error. The caller closes the subscription and decrements
// telemetry.SSEClients.
func (s *Server) openStream(w http.ResponseWriter, r *http.Request, tenant string, last int64, agent string) (*feed.Sub, *http.ResponseController, bool) {
	sub, err := s.hub().SubscribeAgent(r.Context(), tenant, last, agent)
	if errors.Is(err, feed.ErrClosed) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return nil, nil, false
	} else if err != nil {
		s.writeError(w, r, err)
		return nil, nil, false
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	telemetry.SSEClients.Inc()
	return sub, http.NewResponseController(w), true
}

// events streams the UI events the user may see as Server-Sent Events. Each
// event carries its log id; a browser that reconnects sends the last id it
// saw (Last-Event-ID) and receives exactly what it missed. The events come
// from the node's feed (web/feed): one reader per tenant, whatever the
// number of browsers; only the visibility filter runs per stream.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx := r.Context()
	last, err := s.resumePoint(r, u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	// Only an agent's own events reach the agent's stream (visible): with
	// 2,000 agents online, each event was offered to 2,000 streams to show
	// it to one.
	sub, rc, ok := s.openStream(w, r, u.TenantID, last, liveFor(u))
	if !ok {
		return
	}
	defer sub.Close()
	defer telemetry.SSEClients.Dec()
	s.stream(ctx, w, rc, sub, r)
}

// stream writes the subscription's events the user may see until the
// browser goes away or the feed closes (server shutdown).
func (s *Server) stream(ctx context.Context, w http.ResponseWriter, rc *http.ResponseController, sub *feed.Sub, r *http.Request) {
	u := userFrom(ctx)
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	// The open stream is the agent's presence (routing's grace period).
	s.seen(r)
	presence := time.NewTicker(s.Conversations.PresenceTouch())
	defer presence.Stop()
	for {
		evs, err := sub.Next(ctx)
		if err != nil {
			return // closing, or the store failed: the browser reconnects and resumes
		}
		for _, e := range evs {
			if visible(u, e) {
				fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.Data)
			}
		}
		if len(evs) > 0 {
			continue // more may be ready; flush once they are written
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-sub.Done():
			return
		case <-sub.Wake():
		case <-presence.C:
			// A session that logged out (in this tab or another) ends
			// its streams: a signed-off desktop is not present.
			if _, err := s.sessionUser(r); err != nil {
				return
			}
			s.seen(r)
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		}
	}
}

// resumePoint is the id after which to stream: the browser's Last-Event-ID
// (or ?after=), else the current end of the log.
func (s *Server) resumePoint(r *http.Request, tenant string) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("after")
	}
	if v == "" {
		return s.Conversations.LastEventID(r.Context(), tenant)
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 0 {
		return 0, parley.Errorf(parley.EINVALID, "Last-Event-ID must be an event id")
	}
	return id, nil
}

// visible tells whether u may see e: agents see what concerns them,
// supervisors and admins see everything in their tenant.
func visible(u *parley.User, e *parley.Event) bool {
	agent := liveFor(u)
	return agent == "" || e.AgentID == agent
}

// liveFor is whose events u sees: an agent's own (the agent's id), every
// event for supervisors and admins ("").
func liveFor(u *parley.User) string {
	if u.Role == parley.RoleAgent {
		return u.ID
	}
	return ""
}

// seen records the agent's live connection; a failure only delays presence.
func (s *Server) seen(r *http.Request) {
	if err := s.Conversations.Seen(r.Context(), userFrom(r.Context())); err != nil && r.Context().Err() == nil {
		s.Logger.Warn("record presence", slog.Any("err", err))
	}
}
