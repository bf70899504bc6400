package simulator

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// messengerSim plays a Messenger customer of the simulator's page.
type messengerSim struct{ s *Simulator }

func (m *messengerSim) validUser(psid string) bool { return digits(psid, 5, 32) }

// deliver registers the customer's profile with the fake Graph API, then
// posts a signed webhook to Parley. An opt-in (a Send to Messenger click
// on a website) has no message, so no message id.
func (m *messengerSim) deliver(ctx context.Context, req *sendRequest) (string, error) {
	s := m.s
	s.Graph.SetProfile(req.User, req.FirstName, req.LastName, "")
	cust := fakegraph.Customer{PageID: s.PageID, PSID: req.User}
	mid := fmt.Sprintf("m_sim_%d_%d", time.Now().UnixNano(), s.nextID())
	now := time.Now()
	var item map[string]any
	switch {
	case req.Optin != nil:
		item, mid = cust.Optin(req.Optin.Ref, now), ""
	case req.Postback != nil && req.Postback.Payload == "GET_STARTED":
		item = cust.GetStarted(mid, req.Postback.Payload, "", now)
	case req.Postback != nil:
		item = cust.Postback(mid, req.Postback.Title, req.Postback.Payload, now)
	case req.Photo:
		item = cust.Attachment(mid, "image", s.baseURL()+SamplePhotoPath, now)
	case req.Location != nil:
		item = cust.Location(mid, req.Location.Lat, req.Location.Long, req.Location.Title, now)
	case req.QuickReply != "":
		item = cust.QuickReply(mid, req.Text, req.QuickReply, now)
	default:
		item = cust.Text(mid, req.Text, now)
	}
	if err := m.post(ctx, fakegraph.Body(s.PageID, item)); err != nil {
		return "", err
	}
	return mid, nil
}

// post sends a webhook body signed with the app secret.
func (m *messengerSim) post(ctx context.Context, body []byte) error {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Hub-Signature-256", messenger.Sign(body, m.s.AppSecret))
	return m.s.postTo(ctx, m.s.WebhookURL, body, h)
}

func (m *messengerSim) replies(psid string) []Reply {
	var out []Reply
	for _, c := range m.s.Graph.SentTo(psid) {
		out = append(out, messengerReply(c))
	}
	return out
}

// receipts plays the customer's phone receiving and reading a page
// message: a delivery then a read webhook, as Messenger sends them.
func (m *messengerSim) receipts(psid, mid string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cust := fakegraph.Customer{PageID: m.s.PageID, PSID: psid}
	now := time.Now()
	if err := m.post(ctx, fakegraph.Body(m.s.PageID, cust.Delivery([]string{mid}, now, now))); err != nil {
		return
	}
	time.Sleep(300 * time.Millisecond)
	now = time.Now()
	_ = m.post(ctx, fakegraph.Body(m.s.PageID, cust.Read(now, now)))
}

// messengerReply shows one Send API call as Messenger does.
func messengerReply(c fakegraph.SentCall) Reply {
	r := Reply{ID: c.MessageID, Text: c.Text, SenderAction: c.SenderAction, Time: c.Time}
	switch {
	case c.File != nil:
		r.Text = "📎 " + c.File.Name
	case c.AttachmentType == "template":
		messengerTemplate(&r, c.Body)
	case c.AttachmentType == "image":
		r.Image = c.AttachmentURL
	case c.AttachmentType != "":
		r.Text = "📎 " + c.AttachmentType + " " + c.AttachmentURL
	}
	if r.ID == "" {
		r.ID = "action_" + strconv.FormatInt(c.Time.UnixNano(), 10)
	}
	for _, q := range c.QuickReplies {
		r.QuickReplies = append(r.QuickReplies, Button{Title: q.Title, Tap: &Tap{Text: q.Title, QuickReply: q.Payload}})
	}
	return r
}

// messengerTemplate reads a button template (text and buttons) or a
// generic template (cards).
func messengerTemplate(r *Reply, body map[string]any) {
	msg := asObject(body["message"])
	p := asObject(asObject(msg["attachment"])["payload"])
	r.Text = asString(p["text"])
	r.Buttons = messengerButtons(p["buttons"])
	for _, e := range objects(p["elements"]) {
		r.Cards = append(r.Cards, Card{Title: asString(e["title"]), Subtitle: asString(e["subtitle"]),
			Image: asString(e["image_url"]), Buttons: messengerButtons(e["buttons"])})
	}
}

// messengerButtons reads template buttons: postbacks and web URLs.
func messengerButtons(v any) []Button {
	var out []Button
	for _, b := range objects(v) {
		title := asString(b["title"])
		if u := asString(b["url"]); u != "" {
			out = append(out, link(title, u))
			continue
		}
		out = append(out, postbackTap(title, asString(b["payload"])))
	}
	return out
}

// postTo posts a signed webhook body and wants a 200.
func (s *Simulator) postTo(ctx context.Context, url string, body []byte, h http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	req.Header = h
	resp, err := s.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("simulator: post webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("simulator: webhook answered %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return nil
}

// digits reports whether s is min to max ASCII digits.
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
