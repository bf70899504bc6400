package messenger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// defaultTimeout bounds each Graph call when Client.HTTPClient is nil.
const defaultTimeout = 15 * time.Second

// maxResponseBytes bounds how much of a Graph response is read.
const maxResponseBytes = 1 << 20

// Client calls the Graph API on behalf of Pages. The zero value is ready to
// use; a Client is safe for concurrent use. Page tokens are passed per call
// so one Client serves every Page.
type Client struct {
	// BaseURL is the Graph host (and optional path prefix), without the
	// version. Empty means DefaultBaseURL.
	BaseURL string
	// HTTPClient is used for requests. Nil means a client with a 15 s
	// timeout.
	HTTPClient *http.Client
}

// Page is the identity of the Page a token belongs to.
type Page struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Profile is a customer's public profile as seen by a Page.
type Profile struct {
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	ProfilePic string `json:"profile_pic"`
}

// SubscribedApp is one app subscribed to a Page's webhooks.
type SubscribedApp struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	SubscribedFields []string `json:"subscribed_fields"`
}

// Me returns the Page the token belongs to. Use it as the test-connection
// call and check the id against the configured Page ID.
func (c *Client) Me(ctx context.Context, pageToken string) (Page, error) {
	var p Page
	q := url.Values{"fields": {"id,name"}}
	if err := c.do(ctx, "me", http.MethodGet, "me", pageToken, q, nil, &p); err != nil {
		return Page{}, err
	}
	return p, nil
}

// Profile fetches first name, last name and profile picture URL of a
// customer. The picture URL expires; copy the image if it must be kept.
func (c *Client) Profile(ctx context.Context, pageToken, psid string) (Profile, error) {
	if err := checkID("psid", psid); err != nil {
		return Profile{}, fmt.Errorf("messenger: profile: %w", err)
	}
	var p Profile
	q := url.Values{"fields": {"first_name,last_name,profile_pic"}}
	if err := c.do(ctx, "profile", http.MethodGet, psid, pageToken, q, nil, &p); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// SubscribedApps lists the apps subscribed to the Page's webhooks; use it as
// a health check, since the platform unsubscribes apps whose webhook keeps
// failing.
func (c *Client) SubscribedApps(ctx context.Context, pageToken, pageID string) ([]SubscribedApp, error) {
	if err := checkID("page id", pageID); err != nil {
		return nil, fmt.Errorf("messenger: subscribed apps: %w", err)
	}
	var out struct {
		Data []SubscribedApp `json:"data"`
	}
	if err := c.do(ctx, "subscribed apps", http.MethodGet, pageID+"/subscribed_apps", pageToken, nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// Subscribe subscribes the app to the Page's webhook fields (e.g. messages,
// messaging_postbacks, message_echoes). It is also how to resubscribe after
// the platform disabled the webhook.
func (c *Client) Subscribe(ctx context.Context, pageToken, pageID string, fields []string) error {
	if err := checkID("page id", pageID); err != nil {
		return fmt.Errorf("messenger: subscribe: %w", err)
	}
	if len(fields) == 0 {
		return errors.New("messenger: subscribe: no fields")
	}
	var out struct {
		Success bool `json:"success"`
	}
	q := url.Values{"subscribed_fields": {strings.Join(fields, ",")}}
	if err := c.do(ctx, "subscribe", http.MethodPost, pageID+"/subscribed_apps", pageToken, q, nil, &out); err != nil {
		return err
	}
	if !out.Success {
		return errors.New("messenger: subscribe: platform did not confirm success")
	}
	return nil
}

// do performs one Graph call and decodes a successful JSON answer into out.
// op names the operation in errors.
func (c *Client) do(ctx context.Context, op, method, path, token string, q url.Values, body any, out any) error {
	var rd io.Reader
	ct := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("messenger: %s: encode request: %w", op, err)
		}
		rd, ct = bytes.NewReader(b), "application/json"
	}
	return c.call(ctx, op, method, path, token, q, rd, ct, out)
}

// call performs one Graph call with a raw body of contentType.
func (c *Client) call(ctx context.Context, op, method, path, token string, q url.Values, body io.Reader, contentType string, out any) error {
	if token == "" {
		return fmt.Errorf("messenger: %s: empty page token", op)
	}
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", token)
	return c.roundTrip(ctx, op, method, base+"/"+GraphVersion+"/"+path+"?"+q.Encode(), body, contentType, out)
}

// send makes the HTTP request and decodes the answer or the Graph error.
func (c *Client) roundTrip(ctx context.Context, op, method, endpoint string, rd io.Reader, contentType string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, endpoint, rd)
	if err != nil {
		return fmt.Errorf("messenger: %s: %w", op, redact(err))
	}
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	hc := c.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: defaultTimeout}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return c.transportError(ctx, op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return c.transportError(ctx, op, fmt.Errorf("read response: %w", err))
	}
	if resp.StatusCode/100 != 2 || (bytes.Contains(data, []byte(`"error"`)) && hasErrorKey(data)) {
		return fmt.Errorf("messenger: %s: %w", op, parseGraphError(resp.StatusCode, resp.Header, data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("messenger: %s: decode response: %w", op, err)
		}
	}
	return nil
}

// transportError wraps a failure to talk to the API, marking failures caused
// by the caller's own context so Retryable does not retry them.
func (c *Client) transportError(ctx context.Context, op string, err error) error {
	err = redact(err)
	if ctx.Err() != nil {
		return fmt.Errorf("messenger: %s: %w", op, &callerDoneError{err: ctx.Err()})
	}
	return fmt.Errorf("messenger: %s: %w", op, err)
}

// hasErrorKey reports whether a 2xx body is actually an error envelope.
func hasErrorKey(data []byte) bool {
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	return json.Unmarshal(data, &env) == nil && len(env.Error) > 0 && string(env.Error) != "null"
}

// redact strips the query string (which holds the access token) from URLs
// embedded in transport errors so tokens never reach logs.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			ue.URL = u.String()
		} else {
			ue.URL = "(redacted)"
		}
	}
	return err
}

// checkID rejects ids that could alter the request path. Graph ids are
// digits; letters, '_' and '-' are tolerated for simulators.
func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("empty %s", what)
	}
	if len(id) > 128 {
		return fmt.Errorf("%s too long", what)
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_' || r == '-') {
			return fmt.Errorf("invalid %s %q", what, id)
		}
	}
	return nil
}
