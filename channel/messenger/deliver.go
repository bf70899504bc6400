package messenger

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// Send delivers one message or sender action to the customer under
// Messenger's policy. Failures are *parley.SendError.
func (c *Channel) Send(ctx context.Context, acct *parley.Account, to *parley.Customer, out *parley.Outgoing) (parley.SendResult, error) {
	req := SendRequest{PSID: to.ExternalID, SenderAction: out.Action}
	if out.Action == "" {
		mtype, tag, refusal := messagingFor(out.Reach, out.Sender)
		if refusal != "" {
			return parley.SendResult{}, &parley.SendError{Class: parley.SendRefused, Message: refusal}
		}
		req.MessagingType, req.Tag, req.Message = mtype, tag, render(out)
	}
	res, err := c.client(acct).Send(ctx, acct.AccessToken, req)
	if err != nil {
		return parley.SendResult{}, classify(err)
	}
	return parley.SendResult{ExternalID: res.MessageID}, nil
}

// render builds the Send API message for the reply model: an attachment,
// cards (generic template), buttons (button template) or text, each with
// the quick replies.
func render(out *parley.Outgoing) *OutMessage {
	m := &OutMessage{Text: out.Text, Metadata: metadataPrefix + out.MessageID}
	for _, q := range out.QuickReplies {
		m.QuickReplies = append(m.QuickReplies, QuickReply{Title: q.Title, Payload: orDefault(q.Payload, q.Title)})
	}
	switch {
	case len(out.Attachments) > 0:
		a := out.Attachments[0]
		att := &OutAttachment{Type: a.Type, URL: a.URL}
		if f := out.File; f != nil {
			att.Data, att.FileName, att.ContentType = f.Data, f.Name, f.ContentType
		}
		if att.Type == "" {
			att.Type = AttachmentType(a.ContentType)
		}
		m.Text, m.Attachment = "", att
	case len(out.Cards) > 0:
		m.Text = ""
		for _, e := range out.Cards {
			m.Elements = append(m.Elements, Element{Title: e.Title, Subtitle: e.Subtitle, ImageURL: e.ImageURL, Buttons: buttons(e.Buttons)})
		}
	case len(out.Buttons) > 0:
		m.Buttons = buttons(out.Buttons)
	}
	return m
}

func buttons(in []parley.Button) []Button {
	var out []Button
	for _, b := range in {
		typ := b.Type
		if typ == "" {
			typ = parley.ButtonPostback
			if b.URL != "" {
				typ = parley.ButtonURL
			}
		}
		payload := b.Payload
		if typ == parley.ButtonPostback {
			payload = orDefault(payload, b.Title)
		}
		out = append(out, Button{Type: typ, Title: b.Title, Payload: payload, URL: b.URL})
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// AttachmentType maps a MIME type to the Send API's attachment type.
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

// classify turns a Graph or network failure into the seam's classes, with
// the explanation an agent sees.
func classify(err error) error {
	var ge *GraphError
	if !errors.As(err, &ge) {
		class := parley.SendPermanent
		if Retryable(err) {
			class = parley.SendRetry
		}
		return &parley.SendError{Class: class, Message: err.Error(), Err: err}
	}
	se := &parley.SendError{Class: parley.SendPermanent, Message: ge.Message, RetryAfter: ge.RetryAfter, Err: err}
	switch ge.Class() {
	case ClassToken:
		se.Class = parley.SendCredentials
	case ClassRetryable:
		se.Class = parley.SendRetry
	case ClassUnreachable:
		se.Class = parley.SendUnreachable
		se.Message = "The customer can't receive messages from the page (they may have blocked it or deleted their account): " + ge.Message
	case ClassOutsideWindow:
		se.Class = parley.SendOutside
		se.Message = "Outside Messenger's messaging window: " + ge.Message
	}
	return se
}

// Download copies an inbound attachment from Facebook's CDN, whose links
// expire. At most limit bytes.
func (c *Channel) Download(ctx context.Context, _ *parley.Account, att *parley.InboundAttachment, limit int64) (*parley.File, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, att.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment: HTTP %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, parley.Errorf(parley.ETOOLARGE, "download attachment: larger than %d bytes", limit)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	return &parley.File{Name: fileName(req, resp), ContentType: ct, Size: int64(len(data)), Data: data, SourceURL: att.URL}, nil
}

// fileName is the name the server gave the file, else the URL's last
// path segment.
func fileName(req *http.Request, resp *http.Response) string {
	name := path.Base(req.URL.Path)
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		name = params["filename"]
	}
	if name == "/" || name == "." {
		return ""
	}
	return name
}
