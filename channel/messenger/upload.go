package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
)

// MaxUploadBytes is the largest file the Send API accepts as an upload.
const MaxUploadBytes = 25 << 20

// sendUpload posts a Send API request whose attachment is a file upload:
// a multipart form with recipient, messaging_type, tag and message as JSON
// fields and the bytes as "filedata".
func (c *Client) sendUpload(ctx context.Context, pageToken string, body *sendBody, a *OutAttachment) (SendResult, error) {
	if len(a.Data) > MaxUploadBytes {
		return SendResult{}, fmt.Errorf("messenger: send: file has %d bytes, limit is %d", len(a.Data), MaxUploadBytes)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	field := func(name string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return mw.WriteField(name, string(b))
	}
	if err := field("recipient", body.Recipient); err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	if err := mw.WriteField("messaging_type", body.MessagingType); err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	if body.Tag != "" {
		if err := mw.WriteField("tag", body.Tag); err != nil {
			return SendResult{}, fmt.Errorf("messenger: send: %w", err)
		}
	}
	if err := field("message", body.Message); err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	name := a.FileName
	if name == "" {
		name = "file"
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="filedata"; filename=%q`, strings.ReplaceAll(name, `"`, "")))
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	part, err := mw.CreatePart(h)
	if err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	if _, err := part.Write(a.Data); err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	if err := mw.Close(); err != nil {
		return SendResult{}, fmt.Errorf("messenger: send: %w", err)
	}
	var res SendResult
	err = c.call(ctx, "send", http.MethodPost, "me/messages", pageToken, nil, &buf, mw.FormDataContentType(), &res)
	return res, err
}
