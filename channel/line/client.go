package line

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

const maxResponseBytes = 1 << 20

// request is one Messaging API call.
type request struct {
	op     string // names the call in errors
	method string
	url    string
	body   any
	header map[string]string
}

// do performs r with the account's bearer token and decodes a 2xx JSON
// answer into out (nil: ignore it). Non-2xx answers are *APIError.
func (c *Channel) do(ctx context.Context, acct *parley.Account, r request, out any) error {
	resp, err := c.send(ctx, acct, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("line: %s: read response: %w", r.op, stripURL(err))
	}
	if resp.StatusCode/100 != 2 {
		return parseAPIError(r.op, resp, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("line: %s: decode response: %w", r.op, err)
	}
	return nil
}

// send makes the HTTP request; the caller closes the body.
func (c *Channel) send(ctx context.Context, acct *parley.Account, r request) (*http.Response, error) {
	var rd io.Reader
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, fmt.Errorf("line: %s: encode request: %w", r.op, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, rd)
	if err != nil {
		return nil, fmt.Errorf("line: %s: %w", r.op, stripURL(err))
	}
	req.Header.Set("Authorization", "Bearer "+acct.AccessToken)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("line: %s: %w", r.op, stripURL(err))
	}
	return resp, nil
}

// APIError is an error answered by the Messaging API:
// {"message", "details":[{"message","property"}]} with the HTTP status.
type APIError struct {
	Op        string
	Status    int
	Message   string
	Details   []ErrorDetail
	RequestID string // X-Line-Request-Id
	// AcceptedRequestID is x-line-accepted-request-id of a 409: the
	// request that was accepted earlier with the same retry key.
	AcceptedRequestID string
	RetryAfter        time.Duration
}

// ErrorDetail is one entry of an error's details.
type ErrorDetail struct {
	Message  string `json:"message"`
	Property string `json:"property"`
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line: %s: HTTP %d: %s", e.Op, e.Status, e.Message)
	for _, d := range e.Details {
		fmt.Fprintf(&b, "; %s: %s", d.Property, d.Message)
	}
	return b.String()
}

// Class is the parley send class: 429 retries unless the monthly quota is
// used up, 5xx retries, 401 is credentials, anything else permanent.
func (e *APIError) Class() string {
	switch {
	case e.Status == http.StatusTooManyRequests && strings.Contains(strings.ToLower(e.Message), "monthly limit"):
		return parley.SendPermanent
	case e.Status == http.StatusTooManyRequests, e.Status >= 500:
		return parley.SendRetry
	case e.Status == http.StatusUnauthorized:
		return parley.SendCredentials
	}
	return parley.SendPermanent
}

// parseAPIError reads an error answer; a body that is not LINE's shape
// keeps only a short snippet.
func parseAPIError(op string, resp *http.Response, data []byte) *APIError {
	e := &APIError{Op: op, Status: resp.StatusCode, RequestID: resp.Header.Get("X-Line-Request-Id"),
		AcceptedRequestID: resp.Header.Get("X-Line-Accepted-Request-Id")}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(s) * time.Second
	}
	var body struct {
		Message string        `json:"message"`
		Details []ErrorDetail `json:"details"`
	}
	if json.Unmarshal(data, &body) == nil && body.Message != "" {
		e.Message, e.Details = body.Message, body.Details
		return e
	}
	e.Message = snippet(data)
	return e
}

// stripURL drops the request URL from a transport error.
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

// checkID rejects ids that could alter a request path. LINE ids are
// letters and digits; '_' and '-' are tolerated for simulators.
func checkID(what, id string) error {
	if id == "" || len(id) > 128 {
		return parley.Errorf(parley.EINVALID, "line: invalid %s", what)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return parley.Errorf(parley.EINVALID, "line: invalid %s", what)
		}
	}
	return nil
}
