package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// serveFile serves a stored file (a customer's attachment, an agent's
// upload) to logged-in users of its tenant.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	f, err := s.Conversations.File(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(f.Data)), 10))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; media-src 'self'")
	disp := "inline"
	if conversation.AttachmentType(ct) == "file" {
		disp = "attachment"
	}
	w.Header().Set("Content-Disposition", disp+"; filename="+strconv.Quote(f.Name))
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Data))
}

// uploadFile receives an agent's file (multipart field "file") and queues
// it to the chat's customer.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	// A file may take longer to arrive than the server's read timeout.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
	r.Body = http.MaxBytesReader(w, r.Body, conversation.MaxFileBytes+1<<20)
	file, hdr, err := r.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, parley.Errorf(parley.ETOOLARGE, "the file is larger than Messenger's %d MB limit", conversation.MaxFileBytes>>20))
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
	m, err := s.Conversations.SendFile(r.Context(), userFrom(r.Context()), r.PathValue("id"), hdr.Filename, hdr.Header.Get("Content-Type"), data)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.Conversations.ViewMessage(r.Context(), m))
}

// senderAction sends typing_on / typing_off / mark_seen for the chat.
func (s *Server) senderAction(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Action string `json:"action"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	if err := s.Conversations.SenderAction(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Action); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// chatChannel answers the reachability of the chat's customer, their page
// identity and earlier chats.
func (s *Server) chatChannel(w http.ResponseWriter, r *http.Request) {
	info, err := s.Conversations.Channel(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		*conversation.ChannelInfo
		Now time.Time `json:"now"`
	}{info, s.Clock.Now()})
}

// postRichMessage queues an agent's message with quick replies or buttons
// (the same payload a scenario's Send Message block produces).
func (s *Server) postRichMessage(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Text         string                     `json:"text"`
		QuickReplies []conversation.ButtonJSON  `json:"quick_replies"`
		Buttons      []conversation.ButtonJSON  `json:"buttons"`
		Elements     []conversation.ElementJSON `json:"elements"`
	}
	if !s.readJSON(w, r, &req) {
		return
	}
	m, err := s.Conversations.ReplyRich(r.Context(), userFrom(r.Context()), r.PathValue("id"), req.Text, req.QuickReplies, req.Buttons, req.Elements...)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.Conversations.ViewMessage(r.Context(), m))
}
