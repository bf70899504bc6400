package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/parleycc/parley"
)

// maxResponseBytes bounds how much of an API answer is read.
const maxResponseBytes = 1 << 20

// envelope is what every Viber API answer carries.
type envelope struct {
	Status        int    `json:"status"`
	StatusMessage string `json:"status_message"`
}

// APIError is a Viber answer with a non-zero status (HTTP is 200 anyway).
type APIError struct {
	Status        int
	StatusMessage string
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("viber status %d (%s)", e.Status, e.StatusMessage)
}

// HTTPError is an answer with an HTTP status other than 200.
type HTTPError struct {
	StatusCode int
}

// Error implements error.
func (e *HTTPError) Error() string { return fmt.Sprintf("HTTP %d", e.StatusCode) }

// call POSTs body as JSON to /pa/<method> with the account's token and
// decodes a status-0 answer into out.
func (c *Channel) call(ctx context.Context, acct *parley.Account, method string, body, out any) error {
	if acct.AccessToken == "" {
		return fmt.Errorf("viber: %s: empty auth token", method)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("viber: %s: encode request: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, baseURL(acct)+"/pa/"+method, bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("viber: %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(AuthHeader, acct.AccessToken)
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("viber: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("viber: %s: read answer: %w", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("viber: %s: %w", method, &HTTPError{StatusCode: resp.StatusCode})
	}
	return decodeAnswer(method, data, out)
}

// decodeAnswer checks the status of an answer and decodes it into out.
func decodeAnswer(method string, data []byte, out any) error {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return fmt.Errorf("viber: %s: decode answer: %w", method, err)
	}
	if env.Status != 0 {
		return fmt.Errorf("viber: %s: %w", method, &APIError{Status: env.Status, StatusMessage: env.StatusMessage})
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("viber: %s: decode answer: %w", method, err)
	}
	return nil
}
