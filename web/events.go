package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
)

// heartbeat keeps idle connections open through proxies and lets the
// server notice a browser that went away.
const heartbeat = 15 * time.Second

// events streams the UI events the user may see as Server-Sent Events. Each
// event carries its log id; a browser that reconnects sends the last id it
// saw (Last-Event-ID) and receives exactly what it missed.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	ctx := r.Context()
	notify, cancel := s.Bus.Subscribe(u.TenantID)
	defer cancel()

	last, err := s.resumePoint(r, u.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	// The open stream is the agent's presence (routing's grace period).
	s.seen(r)
	presence := time.NewTicker(s.Conversations.PresenceTouch())
	defer presence.Stop()
	for {
		for {
			evs, err := s.Store.EventsAfter(ctx, u.TenantID, last, 500)
			if err != nil {
				return // the browser reconnects and resumes
			}
			for _, e := range evs {
				last = e.ID
				if visible(u, e) {
					fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.Data)
				}
			}
			if len(evs) < 500 {
				break
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-notify:
		case <-presence.C:
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
		return s.Store.LastEventID(r.Context(), tenant)
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
	return u.Role != parley.RoleAgent || e.AgentID == u.ID
}

// seen records the agent's live connection; a failure only delays presence.
func (s *Server) seen(r *http.Request) {
	if err := s.Conversations.Seen(r.Context(), userFrom(r.Context())); err != nil && r.Context().Err() == nil {
		s.Logger.Warn("record presence", slog.Any("err", err))
	}
}
