package simulator

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/parleycc/parley/channel/viber/fakeviber"
)

// ViberBot is the bot the Viber customer writes to.
type ViberBot struct {
	Token string // auth token: signs the callbacks
	ID    string
	Name  string
}

// viberSim plays a Viber user subscribed to the bot.
type viberSim struct {
	s    *Simulator
	bot  ViberBot
	fake *fakeviber.Server
}

// AddViber serves a fake Viber bot API for bot under ViberPath and plays
// its users.
func (s *Simulator) AddViber(bot ViberBot) *fakeviber.Server {
	fake := fakeviber.New()
	fake.AddBot(bot.Token, bot.ID, bot.Name)
	s.channels[Viber] = &viberSim{s: s, bot: bot, fake: fake}
	s.mount(ViberPath, fake)
	return fake
}

// validUser: Viber user ids are base64, 8 to 64 characters.
func (v *viberSim) validUser(id string) bool {
	if len(id) < 8 || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// deliver posts a signed "message" callback. A keyboard tap is a text
// message whose text is the button's ActionBody, as Viber sends it.
func (v *viberSim) deliver(ctx context.Context, req *sendRequest) (string, error) {
	u := fakeviber.User{ID: req.User, Name: req.name(), Language: "en", Country: "GB", APIVersion: 10}
	var m fakeviber.Message
	switch {
	case req.Postback != nil:
		m = fakeviber.Message{Type: "text", Text: req.Postback.Payload}
	case req.Photo:
		m = fakeviber.Message{Type: "picture", Media: v.s.baseURL() + SamplePhotoPath, Size: int64(len(samplePhoto())), FileName: "sample.png"}
	case req.Location != nil:
		m = fakeviber.Message{Type: "location", Location: map[string]any{"lat": req.Location.Lat, "lon": req.Location.Long}}
	default:
		m = fakeviber.Message{Type: "text", Text: req.Text}
	}
	token := 5_000_000_000_000_000_000 + time.Now().UnixMilli()*1000 + v.s.nextID()%1000
	body := fakeviber.MessageEvent(token, time.Now(), u, m)
	url, err := v.s.accountURL(ctx, Viber)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(token, 10), v.s.postTo(ctx, url, body, fakeviber.SignedHeader(body, v.bot.Token))
}

// replies reads the send_message calls to user.
func (v *viberSim) replies(user string) []Reply {
	var out []Reply
	for i, r := range v.fake.Requests() {
		if r.Path != "/pa/send_message" {
			continue
		}
		var m map[string]any
		if json.Unmarshal(r.Body, &m) != nil || asString(m["receiver"]) != user {
			continue
		}
		rep := viberReply(m)
		rep.ID = "viber_" + strconv.Itoa(i)
		rep.Time = v.s.stamp(rep.ID)
		out = append(out, rep)
	}
	return out
}

// viberReply shows one send_message as the Viber app does: text, a
// picture, a rich media carousel, and the keyboard.
func viberReply(m map[string]any) Reply {
	r := Reply{Text: asString(m["text"])}
	switch asString(m["type"]) {
	case "picture":
		r.Image = asString(m["media"])
	case "url":
		r.Text = "🔗 " + asString(m["media"])
	case "file", "video":
		r.Text = "📎 " + firstNonEmpty(asString(m["file_name"]), asString(m["media"]))
	case "rich_media":
		rm := asObject(m["rich_media"])
		r.Cards = viberCards(objects(rm["Buttons"]), int(asNumber(rm["ButtonsGroupRows"])))
	}
	for _, b := range objects(asObject(m["keyboard"])["Buttons"]) {
		r.QuickReplies = append(r.QuickReplies, viberButton(b))
	}
	return r
}

// viberButton reads a keyboard or card button: reply buttons send their
// ActionBody, open-url ones open a link.
func viberButton(b map[string]any) Button {
	title := plainText(asString(b["Text"]))
	if asString(b["ActionType"]) == "open-url" {
		return link(title, asString(b["ActionBody"]))
	}
	return postbackTap(title, asString(b["ActionBody"]))
}

// viberCards splits a rich media grid into cards of rows rows each: an
// image, a text block (<b>title</b><br>subtitle) and reply buttons.
func viberCards(btns []map[string]any, rows int) []Card {
	if rows <= 0 {
		rows = 7
	}
	var cards []Card
	used := rows
	for _, b := range btns {
		if used >= rows {
			cards = append(cards, Card{})
			used = 0
		}
		used += max(int(asNumber(b["Rows"])), 1)
		c := &cards[len(cards)-1]
		switch {
		case asString(b["Image"]) != "":
			c.Image = asString(b["Image"])
		case asString(b["ActionType"]) == "none":
			c.Title, c.Subtitle = splitTitle(plainText(asString(b["Text"])))
		default:
			c.Buttons = append(c.Buttons, viberButton(b))
		}
	}
	return cards
}

// splitTitle cuts a text block at its first line.
func splitTitle(s string) (string, string) {
	for i, c := range s {
		if c == '\n' {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

func asNumber(v any) float64 {
	f, _ := v.(float64)
	return f
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
