package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"time"
)

// requestTimeout bounds every API call an agent makes.
const requestTimeout = 30 * time.Second

// session is a browser's cookie session on the server.
type session struct {
	base   string // server URL, also the Origin the browser sends
	client *http.Client
}

func newSession(base string, transport http.RoundTripper) *session {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &session{base: base, client: &http.Client{Jar: jar, Transport: transport}}
}

// do calls the API as the Agent Desktop does (JSON, same-origin): in is
// sent as the JSON body when not nil, a 2xx answer is decoded into out
// when not nil. A non-2xx answer is an *httpError.
func (s *session) do(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// A browser's same-origin request: cross-origin protection lets it by.
	req.Header.Set("Origin", s.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return &httpError{op: method + " " + path, code: resp.StatusCode, body: string(bytes.TrimSpace(msg))}
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// httpError is an answer that is not 2xx.
type httpError struct {
	op   string
	code int
	body string
}

func (e *httpError) Error() string { return fmt.Sprintf("%s: HTTP %d %s", e.op, e.code, e.body) }

// messageView is the part of a message (REST answers, `message` events,
// chats' previews) the harness reads.
type messageView struct {
	ID     string `json:"id"`
	ChatID string `json:"chat_id"`
	Sender string `json:"sender"`
	Text   string `json:"text"`
}

// chatView is the part of a chat the harness reads.
type chatView struct {
	ID                  string       `json:"id"`
	AgentID             string       `json:"agent_id"`
	LastCustomerMessage *messageView `json:"last_customer_message"`
}

// offerView is an offer.created event's data.
type offerView struct {
	Chat    *chatView `json:"chat"`
	AgentID string    `json:"agent_id"`
}
