package conversation

import (
	"context"
	"log/slog"
	"net/http"
	"path"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/netguard"
)

// MaxFileBytes bounds attachments we copy and files agents upload (the
// largest upload Messenger's Send API takes).
const MaxFileBytes = 25 << 20

// copyAttachment copies an inbound attachment into the file store, so it
// outlives the platform's expiring URL. A failed copy keeps the platform's
// URL and says why; the message is never lost over it.
func (s *Service) copyAttachment(ctx context.Context, acct *parley.Account, ch parley.Channel, a parley.InboundAttachment) AttachmentJSON {
	out := AttachmentJSON{Type: a.Type, URL: a.URL, SourceURL: a.URL, Name: a.Name}
	if !fetchable(a) {
		return out // fallback links and templates are links, not files
	}
	// A customer chose the link: it may not reach the server's own
	// network (netguard; the channels' transport that app wires checks it).
	f, err := ch.Download(netguard.Guarded(ctx), acct, &a, MaxFileBytes)
	if err != nil {
		s.Logger.Warn("copy attachment", slog.String("account", acct.Name), slog.Any("err", err))
		out.CopyError = err.Error()
		return out
	}
	f.TenantID = acct.TenantID
	if err := s.Store.PutFile(ctx, f); err != nil {
		out.CopyError = err.Error()
		return out
	}
	out.FileID, out.URL, out.Size, out.ContentType = f.ID, FileURL(f.ID), f.Size, f.ContentType
	if out.Name == "" {
		out.Name = f.Name
	}
	return out
}

// FileURL is where the web server serves a stored file.
func FileURL(id string) string { return "/files/" + id }

// AttachmentType maps a content type to an attachment's type.
func AttachmentType(contentType string) string {
	switch {
	case strings.HasPrefix(contentType, "image/"):
		return "image"
	case strings.HasPrefix(contentType, "video/"):
		return "video"
	case strings.HasPrefix(contentType, "audio/"):
		return "audio"
	}
	return "file"
}

// SendFile stores a file an agent uploaded and queues it to the customer
// of the agent's chat; the outbox uploads it with the Send API.
func (s *Service) SendFile(ctx context.Context, u *parley.User, chatID, name, contentType string, data []byte) (*parley.Message, error) {
	switch {
	case len(data) == 0:
		return nil, parley.Errorf(parley.EINVALID, "the file is empty")
	case len(data) > MaxFileBytes:
		return nil, parley.Errorf(parley.ETOOLARGE, "the file is larger than Messenger's %d MB limit", MaxFileBytes>>20)
	}
	if contentType == "" || contentType == "application/octet-stream" {
		contentType = http.DetectContentType(data)
	}
	unlock, err := s.lockChat(ctx, chatID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	chat, err := s.agentConnected(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if err := s.checkReach(ctx, chat, parley.SenderAgent); err != nil {
		return nil, err
	}
	f := &parley.File{TenantID: chat.TenantID, Name: path.Base(name), ContentType: contentType, Data: data}
	if err := s.Store.PutFile(ctx, f); err != nil {
		return nil, err
	}
	att := AttachmentJSON{Type: AttachmentType(contentType), URL: FileURL(f.ID), FileID: f.ID, Name: f.Name, ContentType: contentType, Size: f.Size}
	return s.queueOutbound(ctx, chat, &parley.Message{Sender: parley.SenderAgent, AgentID: u.ID, Kind: parley.KindAttachment,
		Text: f.Name, Payload: string(mustJSON(map[string]any{"attachments": []AttachmentJSON{att}}))})
}

// agentConnected returns the chat if it is connected to u: assigned to
// them, or they are a guest of its conference.
func (s *Service) agentConnected(ctx context.Context, u *parley.User, chatID string) (*parley.Chat, error) {
	chat, err := s.AgentChat(ctx, u, chatID)
	if err != nil {
		return nil, err
	}
	if chat.State != parley.ChatAssigned || (chat.AgentID != u.ID && !s.participant(ctx, chat.ID, u.ID)) {
		return nil, parley.Errorf(parley.ECONFLICT, "the chat is not connected to you")
	}
	return chat, nil
}

// File returns a stored file to a user who may see it: one who may see a
// chat whose messages reference it (AgentChat), or the agent who uploaded
// it. Anyone else gets ENOTFOUND, as for a missing file, so that ids do not
// reveal what exists.
func (s *Service) File(ctx context.Context, u *parley.User, id string) (*parley.File, error) {
	notFound := parley.Errorf(parley.ENOTFOUND, "file not found")
	f, err := s.Store.File(ctx, id)
	if parley.ErrorCode(err) == parley.ENOTFOUND || err == nil && f.TenantID != u.TenantID {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	uses, err := s.Store.FileUses(ctx, u.TenantID, f.ID)
	if err != nil {
		return nil, err
	}
	for _, use := range uses {
		if s.mayOpen(ctx, u, use) {
			return f, nil
		}
	}
	return nil, notFound
}

// mayOpen tells whether u may open a file that use references: u sent it,
// or may see its chat.
func (s *Service) mayOpen(ctx context.Context, u *parley.User, use parley.FileUse) bool {
	if use.AgentID == u.ID {
		return true
	}
	_, err := s.AgentChat(ctx, u, use.ChatID)
	return err == nil
}
