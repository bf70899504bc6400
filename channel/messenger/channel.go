package messenger

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/parleycc/parley"
)

// Type is the account type Messenger serves.
const Type = parley.ChannelFacebook

// metadataPrefix marks our own sends; their echoes are recognised by it.
const metadataPrefix = "parley:"

// Channel is Facebook Messenger behind Parley's channel seam. The zero
// value is ready to use.
type Channel struct {
	// HTTPClient calls the Graph API; nil means a client with a timeout.
	HTTPClient *http.Client
}

// New returns the Messenger channel using httpClient for Graph calls.
func New(httpClient *http.Client) *Channel {
	return &Channel{HTTPClient: httpClient}
}

// Type is the account type the channel serves.
func (c *Channel) Type() string { return Type }

func (c *Channel) client(acct *parley.Account) *Client {
	return &Client{BaseURL: acct.APIBaseURL, HTTPClient: c.HTTPClient}
}

// ValidateAccount reports the first missing field of a page account, or
// an App ID (for the website button) that is not one.
func (c *Channel) ValidateAccount(a *parley.Account) error {
	for _, f := range []struct{ name, v string }{
		{"page_id", a.PageID}, {"access_token", a.AccessToken}, {"app_secret", a.AppSecret}, {"verify_token", a.VerifyToken},
	} {
		if f.v == "" {
			return parley.Errorf(parley.EINVALID, "%s: required", f.name)
		}
	}
	if id := a.Setting(SettingAppID); id != "" && !appIDForm.MatchString(id) {
		return parley.Errorf(parley.EINVALID, "settings.%s: a Facebook App ID is digits", SettingAppID)
	}
	return nil
}

// Handshake answers the webhook verification GET: the challenge when the
// token is the verify token of any candidate page, EFORBIDDEN otherwise.
func (c *Channel) Handshake(_ context.Context, q url.Values, candidates []*parley.Account) (string, error) {
	token := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || token == "" {
		return "", parley.Errorf(parley.EFORBIDDEN, "not a subscription request")
	}
	for _, a := range candidates {
		if subtle.ConstantTimeCompare([]byte(a.VerifyToken), []byte(token)) == 1 {
			return q.Get("hub.challenge"), nil
		}
	}
	return "", parley.Errorf(parley.EFORBIDDEN, "verify token does not match any Facebook account")
}

// Receive checks the delivery's X-Hub-Signature-256 against the app
// secrets of the candidate pages and splits it into one stored event per
// messaging item. Pages of several apps may share the URL: the delivery is
// genuine if one app's secret signed it, and then only that app's pages
// count.
func (c *Channel) Receive(_ context.Context, req *parley.WebhookRequest, candidates []*parley.Account) (*parley.Received, error) {
	signature := req.Header.Get(SignatureHeader)
	var secret string
	for _, a := range candidates {
		if a.AppSecret != secret && VerifySignature(req.Body, signature, a.AppSecret) {
			secret = a.AppSecret
			break
		}
	}
	if secret == "" {
		return nil, parley.Errorf(parley.EFORBIDDEN, "X-Hub-Signature-256 is missing or does not match")
	}
	batch, err := ParseWebhook(req.Body)
	if err != nil {
		return nil, parley.Errorf(parley.EINVALID, "%v", err)
	}
	byPage := map[string]*parley.Account{}
	for _, a := range candidates {
		if a.AppSecret == secret {
			byPage[a.PageID] = a
		}
	}
	out := &parley.Received{}
	for _, entry := range batch.Entries {
		acct := byPage[entry.PageID]
		if acct == nil {
			out.Unmatched = append(out.Unmatched, entry.PageID)
			continue
		}
		for _, ev := range entry.Events {
			out.Events = append(out.Events, &parley.InboundEvent{
				TenantID: acct.TenantID, AccountID: acct.ID, Channel: Type,
				DedupKey: ev.DedupKey(), Kind: string(ev.Kind), Payload: ev.Raw,
			})
		}
	}
	return out, nil
}

// Decode re-reads one stored messaging item with the webhook's parser and
// says what it means.
func (c *Channel) Decode(acct *parley.Account, in *parley.InboundEvent) (*parley.Incoming, error) {
	ev, err := parseStored(acct.PageID, in.Payload)
	if err != nil {
		return nil, err
	}
	return incoming(ev), nil
}

// parseStored re-wraps one stored item in an envelope for ParseWebhook.
func parseStored(pageID string, raw []byte) (Event, error) {
	body, err := json.Marshal(map[string]any{
		"object": "page",
		"entry":  []any{map[string]any{"id": pageID, "time": 0, "messaging": []json.RawMessage{raw}}},
	})
	if err != nil {
		return Event{}, fmt.Errorf("messenger: rewrap stored event: %w", err)
	}
	b, err := ParseWebhook(body)
	if err != nil {
		return Event{}, err
	}
	evs := b.Events()
	if len(evs) != 1 {
		return Event{}, fmt.Errorf("messenger: stored event parsed into %d events", len(evs))
	}
	return evs[0], nil
}
