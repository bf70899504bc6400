package simulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/parleycc/parley/channel/line/fakeline"
)

// LineBot is the LINE Official Account the customer writes to.
type LineBot struct {
	Token  string // channel access token
	Secret string // channel secret: signs the webhooks
	UserID string // the bot's user id, the webhooks' destination
	Name   string
}

// lineSim plays a LINE friend of the bot.
type lineSim struct {
	s    *Simulator
	bot  LineBot
	fake *fakeline.Server

	mu     sync.Mutex
	tokens map[string]string // reply token → user
}

// AddLine serves a fake Messaging API for bot under LinePath and plays its
// friends.
func (s *Simulator) AddLine(bot LineBot) *fakeline.Server {
	fake := fakeline.New()
	fake.AddBot(fakeline.Bot{Token: bot.Token, Secret: bot.Secret, UserID: bot.UserID, DisplayName: bot.Name})
	fake.AllowHTTPWebhooks(true)
	s.channels[Line] = &lineSim{s: s, bot: bot, fake: fake, tokens: map[string]string{}}
	s.mount(LinePath, fake)
	return fake
}

// validUser: a LINE user id is U and 32 hex digits.
func (l *lineSim) validUser(id string) bool {
	if len(id) != 33 || id[0] != 'U' {
		return false
	}
	for _, c := range id[1:] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// deliver posts a signed webhook batch of one event: a text or image
// message, or a postback.
func (l *lineSim) deliver(ctx context.Context, req *sendRequest) (string, error) {
	l.fake.SetProfile(req.User, fakeline.Profile{DisplayName: req.name()})
	now := time.Now()
	var ev fakeline.Event
	switch {
	case req.Postback != nil:
		ev = l.fake.PostbackEvent(req.User, req.Postback.Payload, now)
	case req.Photo:
		ev = l.fake.ImageEvent(req.User, "image/png", samplePhoto(), now)
	case req.Text != "" && req.Location == nil:
		ev = l.fake.TextEvent(req.User, req.Text, now)
	default:
		return "", errUnsupported
	}
	l.remember(ev, req.User)
	url, err := l.s.accountURL(ctx, Line)
	if err != nil {
		return "", err
	}
	body := fakeline.Envelope(l.bot.UserID, ev)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set(fakeline.SignatureHeader, fakeline.Sign(body, l.bot.Secret))
	return asString(ev["webhookEventId"]), l.s.postTo(ctx, url, body, h)
}

// remember notes whose reply token an event carries, to show replies.
func (l *lineSim) remember(ev fakeline.Event, user string) {
	if tok := asString(ev["replyToken"]); tok != "" {
		l.mu.Lock()
		l.tokens[tok] = user
		l.mu.Unlock()
	}
}

// recipient is the user a push, reply or loading request is for.
func (l *lineSim) recipient(body map[string]any) string {
	if to := asString(body["to"]); to != "" {
		return to
	}
	if id := asString(body["chatId"]); id != "" {
		return id
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tokens[asString(body["replyToken"])]
}

// replies reads the pushes, replies and loading animations for user.
func (l *lineSim) replies(user string) []Reply {
	var out []Reply
	for i, r := range l.fake.Requests() {
		var body map[string]any
		if r.Method != http.MethodPost || json.Unmarshal(r.Body, &body) != nil || l.recipient(body) != user {
			continue
		}
		base := "line_" + strconv.Itoa(i)
		if r.Path == "/v2/bot/chat/loading/start" {
			out = append(out, Reply{ID: base, SenderAction: "typing_on", Time: l.s.stamp(base)})
			continue
		}
		for j, m := range objects(body["messages"]) {
			rep := lineReply(m)
			rep.ID = base + "_" + strconv.Itoa(j)
			rep.Time = l.s.stamp(rep.ID)
			out = append(out, rep)
		}
	}
	return out
}

// lineReply shows one message object as the LINE app does.
func lineReply(m map[string]any) Reply {
	r := Reply{}
	switch asString(m["type"]) {
	case "text":
		r.Text = asString(m["text"])
	case "image":
		r.Image = asString(m["previewImageUrl"])
	case "template":
		t := asObject(m["template"])
		r.Text = asString(t["text"])
		r.Buttons = lineActions(objects(t["actions"]))
	case "flex":
		for _, b := range objects(asObject(m["contents"])["contents"]) {
			r.Cards = append(r.Cards, lineBubble(b))
		}
	default:
		r.Text = asString(m["altText"])
	}
	for _, it := range objects(asObject(m["quickReply"])["items"]) {
		r.QuickReplies = append(r.QuickReplies, lineActions([]map[string]any{asObject(it["action"])})...)
	}
	return r
}

// lineActions reads actions: postback (with its display text), message
// (sends its text) and uri.
func lineActions(actions []map[string]any) []Button {
	var out []Button
	for _, a := range actions {
		label := asString(a["label"])
		switch asString(a["type"]) {
		case "uri":
			out = append(out, link(label, asString(a["uri"])))
		case "postback":
			b := postbackTap(label, asString(a["data"]))
			if d := asString(a["displayText"]); d != "" {
				b.Tap.Text = d
			}
			out = append(out, b)
		default:
			b := textTap(label)
			if t := asString(a["text"]); t != "" {
				b.Tap.Text = t
			}
			out = append(out, b)
		}
	}
	return out
}

// lineBubble reads a Flex bubble: hero image, body texts, footer buttons.
func lineBubble(b map[string]any) Card {
	c := Card{Image: asString(asObject(b["hero"])["url"])}
	for i, t := range objects(asObject(b["body"])["contents"]) {
		switch i {
		case 0:
			c.Title = asString(t["text"])
		case 1:
			c.Subtitle = asString(t["text"])
		}
	}
	var actions []map[string]any
	for _, f := range objects(asObject(b["footer"])["contents"]) {
		actions = append(actions, asObject(f["action"]))
	}
	c.Buttons = lineActions(actions)
	return c
}
