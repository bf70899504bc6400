package fakegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// SentCall is one accepted Send API call.
type SentCall struct {
	PageID    string
	PSID      string
	MessageID string // empty for sender actions
	// Body is the decoded request body; each SentCall gets its own copy.
	Body          map[string]any
	MessagingType string
	Tag           string
	SenderAction  string
	Text          string
	QuickReplies  []QuickReply
	// AttachmentType is message.attachment.type (image, template, ...).
	AttachmentType string
	// AttachmentURL is the media URL of an attachment sent by URL.
	AttachmentURL string
	// TemplateType is button or generic for template attachments.
	TemplateType string
	// File is the uploaded file of a multipart send (nil otherwise).
	File *File
	Time time.Time
}

// File is a file uploaded with a multipart Send API call.
type File struct {
	Name        string
	ContentType string
	Data        []byte
}

// QuickReply is one quick reply of a sent message.
type QuickReply struct {
	ContentType string
	Title       string
	Payload     string
}

// sentRecord is what the log keeps; Body is decoded afresh for every reader.
type sentRecord struct {
	call SentCall
	raw  []byte
}

func (rec sentRecord) export() SentCall {
	c := rec.call
	c.QuickReplies = slices.Clone(c.QuickReplies)
	_ = json.Unmarshal(rec.raw, &c.Body)
	return c
}

// Sent returns every accepted call, oldest first.
func (s *Server) Sent() []SentCall {
	return s.filter(func(SentCall) bool { return true })
}

// SentTo returns the accepted calls addressed to psid, oldest first.
func (s *Server) SentTo(psid string) []SentCall {
	return s.filter(func(c SentCall) bool { return c.PSID == psid })
}

func (s *Server) filter(keep func(SentCall) bool) []SentCall {
	s.mu.Lock()
	recs := slices.Clone(s.sent)
	s.mu.Unlock()
	var out []SentCall
	for _, r := range recs {
		if keep(r.call) {
			out = append(out, r.export())
		}
	}
	return out
}

// Subscribe streams accepted calls addressed to psid (every call when psid
// is empty). Delivery never blocks the server: when the subscriber's buffer
// is full the call is dropped for that subscriber. cancel closes the channel
// and may be called more than once.
func (s *Server) Subscribe(psid string) (<-chan SentCall, func()) {
	ch := make(chan SentCall, subBuffer)
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = &subscriber{psid: psid, ch: ch}
	s.mu.Unlock()
	cancel := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if sub, ok := s.subs[id]; ok {
			delete(s.subs, id)
			close(sub.ch)
		}
	}
	return ch, cancel
}

// record stores a call and fans it out; the caller must not hold s.mu.
func (s *Server) record(rec sentRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, rec)
	if len(s.sent) > maxLog {
		s.sent = slices.Delete(s.sent, 0, len(s.sent)-maxLog)
	}
	for _, sub := range s.subs {
		if sub.psid != "" && sub.psid != rec.call.PSID {
			continue
		}
		select {
		case sub.ch <- rec.export():
		default:
		}
	}
}

// wire shape of a Send API request, decoded loosely so that type errors can
// be answered like the platform does.
type sendReq struct {
	Recipient *struct {
		ID      json.RawMessage `json:"id"`
		UserRef string          `json:"user_ref"`
	} `json:"recipient"`
	MessagingType string          `json:"messaging_type"`
	Tag           string          `json:"tag"`
	Message       json.RawMessage `json:"message"`
	SenderAction  string          `json:"sender_action"`
}

type sendMsg struct {
	Text         *string `json:"text"`
	QuickReplies []struct {
		ContentType string `json:"content_type"`
		Title       string `json:"title"`
		Payload     string `json:"payload"`
	} `json:"quick_replies"`
	Attachment *struct {
		Type    string          `json:"type"`
		Payload json.RawMessage `json:"payload"`
	} `json:"attachment"`
	Attachments []json.RawMessage `json:"attachments"`
}

// postMessage answers POST /{page}/messages.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, pageID string) {
	var raw []byte
	var file *File
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		var apiErr *apiError
		if raw, file, apiErr = readMultipart(r); apiErr != nil {
			writeError(w, http.StatusBadRequest, *apiErr)
			return
		}
	} else {
		var err error
		if raw, err = io.ReadAll(io.LimitReader(r.Body, 1<<20)); err != nil {
			writeError(w, http.StatusBadRequest, param("Could not read the request body"))
			return
		}
	}
	call, apiErr := parseSend(raw, file != nil)
	if apiErr != nil {
		writeError(w, http.StatusBadRequest, *apiErr)
		return
	}
	if call.SenderAction == "" {
		if kind, ok := s.flakyFailure(call.PSID, raw); ok {
			s.writeFailure(w, kind, r)
			return
		}
	}
	call.File = file
	call.PageID, call.Time = pageID, now()
	resp := map[string]any{"recipient_id": call.PSID}
	if call.SenderAction == "" {
		call.MessageID = "m_" + rand64()
		resp["message_id"] = call.MessageID
	}
	s.record(sentRecord{call: call, raw: raw})
	writeJSON(w, http.StatusOK, resp)
}

// parseSend validates a Send API body the way the platform does and returns
// the call to record, or the code 100 error to answer.
func parseSend(raw []byte, upload bool) (SentCall, *apiError) {
	var req sendReq
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&req); err != nil {
		return SentCall{}, ptr(param("Invalid JSON in request body: " + err.Error()))
	}
	if req.Recipient == nil {
		return SentCall{}, ptr(param("The parameter recipient is required"))
	}
	var psid string
	if json.Unmarshal(req.Recipient.ID, &psid) != nil || psid == "" || !digitsOrWord(psid) {
		return SentCall{}, ptr(param(`Param recipient[id] must be a valid ID string (e.g., "123")`))
	}
	call := SentCall{PSID: psid, MessagingType: req.MessagingType, Tag: req.Tag, SenderAction: req.SenderAction}
	hasMsg := len(req.Message) > 0 && string(req.Message) != "null"
	switch {
	case hasMsg && req.SenderAction != "":
		return SentCall{}, ptr(param("Only one of message or sender_action can be specified"))
	case req.SenderAction != "":
		switch req.SenderAction {
		case "typing_on", "typing_off", "mark_seen", "react", "unreact":
			return call, nil
		}
		return SentCall{}, ptr(param(fmt.Sprintf(`Param sender_action must be one of {typing_on, typing_off, mark_seen, react, unreact} - got "%s"`, req.SenderAction)))
	case !hasMsg:
		return SentCall{}, ptr(param("The parameter message or sender_action is required"))
	}

	switch req.MessagingType {
	case "RESPONSE", "UPDATE":
		if req.Tag != "" {
			return SentCall{}, ptr(param("Param tag can only be set when messaging_type is MESSAGE_TAG"))
		}
	case "MESSAGE_TAG":
		switch req.Tag {
		case "HUMAN_AGENT", "CUSTOMER_FEEDBACK", "NON_PROMOTIONAL_SUBSCRIPTION":
		case "":
			return SentCall{}, ptr(param("Param tag is required when messaging_type is MESSAGE_TAG"))
		case "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE":
			return SentCall{}, ptr(param(fmt.Sprintf("Param tag: the %s tag is no longer supported. Use a utility message template instead.", req.Tag)))
		default:
			return SentCall{}, ptr(param(fmt.Sprintf(`Param tag must be one of {HUMAN_AGENT, CUSTOMER_FEEDBACK, NON_PROMOTIONAL_SUBSCRIPTION} - got "%s"`, req.Tag)))
		}
	default:
		return SentCall{}, ptr(param(fmt.Sprintf(`Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG} - got "%s"`, req.MessagingType)))
	}

	var m sendMsg
	if err := json.Unmarshal(req.Message, &m); err != nil {
		return SentCall{}, ptr(param("Param message must be a JSON object"))
	}
	hasAtt := m.Attachment != nil || len(m.Attachments) > 0
	switch {
	case m.Text == nil && !hasAtt:
		return SentCall{}, ptr(param("Message must contain text or an attachment"))
	case m.Text != nil && hasAtt:
		return SentCall{}, ptr(param("Only one of text or attachment can be specified in message"))
	case m.Text != nil:
		if *m.Text == "" {
			return SentCall{}, ptr(param("Param message[text] must be a non-empty UTF-8 encoded string"))
		}
		if utf8.RuneCountInString(*m.Text) >= 2000 {
			return SentCall{}, ptr(param("Length of param message[text] must be less than 2000 characters"))
		}
		call.Text = *m.Text
	case m.Attachment != nil:
		if e := checkAttachment(m.Attachment.Type, m.Attachment.Payload, upload); e != nil {
			return SentCall{}, e
		}
		call.AttachmentType = m.Attachment.Type
		var p struct {
			URL          string `json:"url"`
			TemplateType string `json:"template_type"`
		}
		_ = json.Unmarshal(m.Attachment.Payload, &p)
		call.AttachmentURL, call.TemplateType = p.URL, p.TemplateType
	}
	if upload && (m.Attachment == nil || call.TemplateType != "") {
		return SentCall{}, ptr(param("filedata was uploaded but message[attachment] is not a media attachment"))
	}
	if len(m.QuickReplies) > 13 {
		return SentCall{}, ptr(param("Param message[quick_replies] must have at most 13 items"))
	}
	for i, q := range m.QuickReplies {
		switch q.ContentType {
		case "text":
			if q.Title == "" || q.Payload == "" {
				return SentCall{}, ptr(param(fmt.Sprintf("Param message[quick_replies][%d]: title and payload are required for text quick replies", i)))
			}
		case "user_phone_number", "user_email":
		default:
			return SentCall{}, ptr(param(fmt.Sprintf(`Param message[quick_replies][%d][content_type] must be one of {text, user_phone_number, user_email} - got "%s"`, i, q.ContentType)))
		}
		title := q.Title
		if utf8.RuneCountInString(title) > 20 { // the platform truncates long titles
			title = string([]rune(title)[:20])
		}
		call.QuickReplies = append(call.QuickReplies, QuickReply{ContentType: q.ContentType, Title: title, Payload: q.Payload})
	}
	return call, nil
}

// checkAttachment validates message.attachment.
func checkAttachment(typ string, payload json.RawMessage, upload bool) *apiError {
	switch typ {
	case "image", "audio", "video", "file":
		var p struct {
			URL          string `json:"url"`
			AttachmentID string `json:"attachment_id"`
		}
		if json.Unmarshal(payload, &p) != nil || (p.URL == "" && p.AttachmentID == "" && !upload) {
			return ptr(param("Param message[attachment][payload] must have a url or an attachment_id"))
		}
		if p.URL != "" && !strings.HasPrefix(p.URL, "http://") && !strings.HasPrefix(p.URL, "https://") {
			return &apiError{Message: "(#100) Failed to fetch the file from the url", Type: "OAuthException", Code: 100, Subcode: 2018008}
		}
	case "template":
		var p struct {
			TemplateType string            `json:"template_type"`
			Text         string            `json:"text"`
			Buttons      []json.RawMessage `json:"buttons"`
			Elements     []struct {
				Title   string            `json:"title"`
				Buttons []json.RawMessage `json:"buttons"`
			} `json:"elements"`
		}
		if json.Unmarshal(payload, &p) != nil || p.TemplateType == "" {
			return ptr(param("Param message[attachment][payload][template_type] is required"))
		}
		switch p.TemplateType {
		case "button":
			if p.Text == "" || len(p.Buttons) == 0 || len(p.Buttons) > 3 {
				return ptr(param("Button template requires text and 1 to 3 buttons"))
			}
		case "generic":
			if len(p.Elements) == 0 || len(p.Elements) > 10 {
				return ptr(param("Generic template requires 1 to 10 elements"))
			}
			for i, e := range p.Elements {
				if e.Title == "" || len(e.Buttons) > 3 {
					return ptr(param(fmt.Sprintf("Param message[attachment][payload][elements][%d] requires a title and at most 3 buttons", i)))
				}
			}
		case "list":
			return ptr(param("The list template is deprecated"))
		}
	default:
		return ptr(param(fmt.Sprintf(`Param message[attachment][type] must be one of {image, audio, video, file, template} - got "%s"`, typ)))
	}
	return nil
}

// param builds a code 100 invalid-parameter error.
func param(msg string) apiError {
	return apiError{Message: "(#100) " + msg, Type: "OAuthException", Code: 100}
}

func ptr[T any](v T) *T { return &v }

// digitsOrWord accepts PSID-like ids (digits, or simple words in demos).
func digitsOrWord(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
