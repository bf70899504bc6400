package conversation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/parleycc/parley"
)

// copyEventKind is the inbound log's kind for copying a message's
// attachments into the file store. The copy is an event of its own, in a
// lane of its own, so a slow or stuck download never holds up the
// customer's next messages; and it is in the log, so a copy a crash
// interrupted is made by whichever node reads the log next.
const copyEventKind = "parley.copy_attachments"

// copyJob is a copy event's payload: the message, by its platform id,
// and its attachments still to copy, by their place in its payload.
type copyJob struct {
	MessageID   string           `json:"message_id"` // the platform's (Message.ExternalID)
	Attachments []copyAttachment `json:"attachments"`
}

type copyAttachment struct {
	Index int                      `json:"index"`
	From  parley.InboundAttachment `json:"from"`
}

// fetchable reports whether an attachment is a file to copy: media the
// platform serves by id or URL, not a link or template.
func fetchable(a parley.InboundAttachment) bool {
	switch a.Type {
	case "image", "video", "audio", "file":
		return a.MediaID != "" || strings.HasPrefix(a.URL, "https://") || strings.HasPrefix(a.URL, "http://")
	}
	return false
}

// queueCopies stores the copy event of a message's attachments still to
// copy (Copying in payload, in the order of in.Attachments), once: a
// redelivered message queues it again and the log keeps the first.
func (s *Service) queueCopies(ctx context.Context, acct *parley.Account, in *parley.Incoming, payload string) error {
	if in.MessageID == "" || !strings.Contains(payload, `"copying":true`) {
		return nil
	}
	var p struct {
		Attachments []AttachmentJSON `json:"attachments"`
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return fmt.Errorf("attachments to copy: %w", err)
	}
	job := copyJob{MessageID: in.MessageID}
	for i, a := range p.Attachments {
		if a.Copying && i < len(in.Attachments) {
			job.Attachments = append(job.Attachments, copyAttachment{Index: i, From: in.Attachments[i]})
		}
	}
	if len(job.Attachments) == 0 {
		return nil
	}
	data, err := json.Marshal(job)
	if err != nil {
		return fmt.Errorf("attachment copy: %w", err)
	}
	ev := &parley.InboundEvent{TenantID: acct.TenantID, AccountID: acct.ID, Channel: acct.Type,
		DedupKey: "parley-copy:" + in.MessageID, Kind: copyEventKind, Payload: data, ReceivedAt: s.Clock.Now()}
	if _, err := s.Store.AddInbound(ctx, []*parley.InboundEvent{ev}); err != nil {
		return fmt.Errorf("queue attachment copy: %w", err)
	}
	poke(s.inboundWake)
	return nil
}

// copyAttachments copies a message's attachments into the file store and
// shows the message again with them.
func (s *Service) copyAttachments(ctx context.Context, j *inboundJob) error {
	m, err := s.Store.MessageByExternalID(ctx, j.acct.ID, j.copy.MessageID)
	if err != nil {
		return fmt.Errorf("message of attachment copy: %w", err)
	}
	var p struct {
		Attachments []AttachmentJSON `json:"attachments"`
	}
	if err := json.Unmarshal([]byte(m.Payload), &p); err != nil {
		return fmt.Errorf("attachments of message %s: %w", m.ID, err)
	}
	changed := false
	for _, c := range j.copy.Attachments {
		if c.Index < 0 || c.Index >= len(p.Attachments) || !p.Attachments[c.Index].Copying {
			continue // copied already (the event handled again)
		}
		p.Attachments[c.Index] = s.copyAttachment(ctx, j.acct, j.ch, c.From)
		changed = true
	}
	if !changed {
		return nil
	}
	m.Payload = string(mustJSON(p))
	if err := s.Store.SetMessagePayload(ctx, m.ID, m.Payload); err != nil {
		return err
	}
	chat, err := s.Store.Chat(ctx, m.ChatID)
	if err != nil {
		return err
	}
	return s.emitMessageStatus(ctx, chat, m)
}
