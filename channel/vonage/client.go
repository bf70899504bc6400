package vonage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
)

// maxResponseBytes bounds how much of an API answer is read.
const maxResponseBytes = 1 << 20

// Problem is an RFC 7807 error body of the Vonage APIs.
type Problem struct {
	Type              string         `json:"type"`
	Title             string         `json:"title"`
	Detail            string         `json:"detail"`
	Instance          string         `json:"instance"`
	InvalidParameters []InvalidParam `json:"invalid_parameters,omitempty"`
}

// InvalidParam names one rejected parameter.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// APIError is a non-2xx answer of a Vonage API.
type APIError struct {
	StatusCode int
	Problem    Problem
	// RetryAfter is the Retry-After header of a 429 or 503 (zero if none).
	RetryAfter time.Duration
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Problem.reason())
}

// reason is the problem as one line, safe to show.
func (p Problem) reason() string {
	var parts []string
	for _, s := range []string{p.Title, p.Detail} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	for _, ip := range p.InvalidParameters {
		parts = append(parts, ip.Name+" "+ip.Reason)
	}
	if len(parts) == 0 {
		return "no details"
	}
	return strings.Join(parts, ": ")
}

// do sends one request with auth and decodes a 2xx JSON answer into out.
func (c *Channel) do(ctx context.Context, method, url, auth string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", auth)
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("read answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return apiError(resp, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode answer: %w", err)
		}
	}
	return nil
}

// apiError reads an RFC 7807 body (or keeps the status alone).
func apiError(resp *http.Response, data []byte) *APIError {
	e := &APIError{StatusCode: resp.StatusCode, RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now())}
	_ = json.Unmarshal(data, &e.Problem)
	if e.Problem.Title == "" {
		e.Problem.Title = http.StatusText(resp.StatusCode)
	}
	return e
}

// retryAfter reads seconds or an HTTP date.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// messagesAuth is the Authorization value for Messages API calls: an
// application JWT when a private key is set, else Basic key:secret.
func (c *Channel) messagesAuth(acct *parley.Account) (string, error) {
	pk := acct.Setting(SettingPrivateKey)
	if pk == "" {
		return basicAuth(acct), nil
	}
	key, err := ParsePrivateKey(pk)
	if err != nil {
		return "", fmt.Errorf("private key: %w", err)
	}
	tok, err := AppToken(acct.Setting(SettingApplicationID), key, c.now())
	if err != nil {
		return "", err
	}
	return "Bearer " + tok, nil
}

// basicAuth is Basic api_key:api_secret.
func basicAuth(acct *parley.Account) string {
	r := http.Request{Header: http.Header{}}
	r.SetBasicAuth(acct.Setting(SettingAPIKey), acct.AppSecret)
	return r.Header.Get("Authorization")
}
