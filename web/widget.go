package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/telemetry"
	"github.com/parleycc/parley/web/feed"
)

// visitorHeader carries a web chat visitor's token (the same header the
// webchat channel reads on /webhooks/webchat/{account}).
const visitorHeader = "X-Parley-Visitor"

// widgetSession starts the widget: a new visitor, or the same visitor with
// a fresh token when the request carries a valid one.
func (s *Server) widgetSession(w http.ResponseWriter, r *http.Request) {
	sess, err := s.Conversations.VisitorSession(r.Context(), r.PathValue("account"), r.Header.Get(visitorHeader))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, sess)
}

// visitor checks the request's visitor token, answering the error itself
// when it is not valid.
func (s *Server) visitor(w http.ResponseWriter, r *http.Request) (*conversation.Visitor, bool) {
	v, err := s.Conversations.VisitorOf(r.Context(), r.PathValue("account"), r.Header.Get(visitorHeader))
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return v, true
}

// widgetTyping tells the agent the visitor is writing (204).
func (s *Server) widgetTyping(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visitor(w, r)
	if !ok {
		return
	}
	if err := s.Conversations.VisitorTyping(r.Context(), v); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// widgetMessages answers the visitor's current transcript (after ?after=seq).
func (s *Server) widgetMessages(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visitor(w, r)
	if !ok {
		return
	}
	var after int64
	if a := r.URL.Query().Get("after"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil || n < 0 {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "after must be a message seq"))
			return
		}
		after = n
	}
	t, err := s.Conversations.VisitorTranscript(r.Context(), v, after)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, t)
}

// widgetStream streams the visitor's new messages as Server-Sent Events,
// on the node's shared feed of the tenant's event log: each event keeps its
// log id, so a reconnect with Last-Event-ID (or ?after=, the transcript's
// last_event_id) misses nothing and repeats nothing.
func (s *Server) widgetStream(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visitor(w, r)
	if !ok {
		return
	}
	last, err := s.resumePoint(r, v.Account.TenantID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sub, err := s.hub().Subscribe(r.Context(), v.Account.TenantID, last)
	if errors.Is(err, feed.ErrClosed) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	} else if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	telemetry.SSEClients.Inc()
	defer telemetry.SSEClients.Dec()
	s.visitorStream(r.Context(), w, sub, s.Conversations.VisitorEvents(v))
}

// visitorStream writes what the filter lets through until the visitor
// goes away or the feed closes. A batch ending in events the visitor does
// not see still moves the stream's last event id past them.
func (s *Server) visitorStream(ctx context.Context, w http.ResponseWriter, sub *feed.Sub, filter func(context.Context, *parley.Event) *conversation.VisitorMessage) {
	rc := http.NewResponseController(w)
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		evs, err := sub.Next(ctx)
		if err != nil {
			return
		}
		for i, e := range evs {
			if m := filter(ctx, e); m != nil {
				fmt.Fprintf(w, "id: %d\nevent: message\ndata: %s\n\n", e.ID, mustJSONBytes(m))
			} else if i == len(evs)-1 {
				fmt.Fprintf(w, "id: %d\n\n", e.ID)
			}
		}
		if len(evs) > 0 {
			continue
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
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		}
	}
}

// widgetUpload stores a visitor's file (multipart field "file", with the
// browser's message id in field "id") and posts it in their chat.
func (s *Server) widgetUpload(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visitor(w, r)
	if !ok {
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, conversation.MaxFileBytes+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, parley.Errorf(parley.ETOOLARGE, "the file is larger than %d MB", conversation.MaxFileBytes>>20))
			return
		}
		s.writeError(w, r, parley.Errorf(parley.EINVALID, "send the file as multipart form field \"file\""))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, conversation.MaxFileBytes+1))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	err = s.Conversations.VisitorUpload(r.Context(), v, r.FormValue("id"), hdr.Filename, hdr.Header.Get("Content-Type"), data)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

// widgetFile serves a file of the visitor's chats (their uploads, the
// agents' attachments) to the visitor.
func (s *Server) widgetFile(w http.ResponseWriter, r *http.Request) {
	v, ok := s.visitor(w, r)
	if !ok {
		return
	}
	f, err := s.Conversations.VisitorFile(r.Context(), v, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(f.Name))
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Data))
}

// mustJSONBytes encodes a value that cannot fail to encode (plain structs).
func mustJSONBytes(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte(`{}`)
	}
	return b
}
