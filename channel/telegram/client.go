package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleycc/parley"
)

// maxResponseBytes bounds how much of a Bot API answer is read.
const maxResponseBytes = 1 << 20

// envelope is every Bot API answer.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// call performs one Bot API method with a JSON body and decodes the result
// into out (nil: ignore it).
func (c *Channel) call(ctx context.Context, acct *parley.Account, method string, params any, out any) error {
	b, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("telegram: %s: encode request: %w", method, err)
	}
	return c.post(ctx, acct, method, "application/json", bytes.NewReader(b), out)
}

// upload performs one Bot API method as multipart/form-data with the file
// f in the form field field.
func (c *Channel) upload(ctx context.Context, acct *parley.Account, method string, params map[string]any, field string, f *parley.File, out any) error {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range params {
		if err := mw.WriteField(k, formValue(v)); err != nil {
			return fmt.Errorf("telegram: %s: encode form: %w", method, err)
		}
	}
	if err := writeFilePart(mw, field, f); err != nil {
		return fmt.Errorf("telegram: %s: encode file: %w", method, err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("telegram: %s: encode form: %w", method, err)
	}
	return c.post(ctx, acct, method, mw.FormDataContentType(), &buf, out)
}

// formValue renders a parameter as a form field: strings as they are,
// anything else (numbers, keyboards) as JSON.
func formValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// writeFilePart adds f as a file part with its name and content type.
func writeFilePart(mw *multipart.Writer, field string, f *parley.File) error {
	name := f.Name
	if name == "" {
		name = "file"
	}
	h := make(map[string][]string)
	h["Content-Disposition"] = []string{fmt.Sprintf(`form-data; name=%q; filename=%q`, field, name)}
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h["Content-Type"] = []string{ct}
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = w.Write(f.Data)
	return err
}

// post sends one request to the method URL and decodes the envelope.
func (c *Channel) post(ctx context.Context, acct *parley.Account, method, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, methodURL(acct, method), body)
	if err != nil {
		return fmt.Errorf("telegram: %s: %w", method, stripURL(err))
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("telegram: %s: %w", method, stripURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("telegram: %s: read response: %w", method, stripURL(err))
	}
	return decodeEnvelope(method, resp.StatusCode, data, out)
}

// decodeEnvelope turns an answer into the result or an *APIError.
func decodeEnvelope(method string, status int, data []byte, out any) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil || (!env.OK && env.ErrorCode == 0 && env.Description == "") {
		if status/100 == 2 && err != nil {
			return fmt.Errorf("telegram: %s: decode response: %w", method, err)
		}
		return &APIError{Method: method, HTTPStatus: status, Code: status, Description: snippet(data)}
	}
	if !env.OK || status/100 != 2 {
		return apiError(method, status, &env)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return fmt.Errorf("telegram: %s: decode result: %w", method, err)
	}
	return nil
}

// methodURL is <base>/bot<token>/<method>. The URL holds the token: never
// log it.
func methodURL(acct *parley.Account, method string) string {
	return baseURL(acct) + "/bot" + url.PathEscape(acct.AccessToken) + "/" + method
}

// fileURL is <base>/file/bot<token>/<file_path>.
func fileURL(acct *parley.Account, filePath string) string {
	segs := strings.Split(filePath, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return baseURL(acct) + "/file/bot" + url.PathEscape(acct.AccessToken) + "/" + strings.Join(segs, "/")
}

// stripURL drops the request URL (which holds the bot token) from a
// transport error, keeping what it wraps.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

// snippet is a short, single-line excerpt of an unexpected body.
func snippet(b []byte) string {
	const max = 120
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	if s == "" {
		return "empty response"
	}
	return s
}
