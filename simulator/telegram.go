package simulator

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

// TelegramBot is the bot the Telegram customer writes to: its token, the
// webhook's secret token (the account's verify_token) and its profile.
type TelegramBot struct {
	Token    string
	Secret   string
	ID       int64
	Username string
	Name     string
}

// telegramSim plays a Telegram user in a private chat with the bot.
type telegramSim struct {
	s    *Simulator
	bot  TelegramBot
	fake *faketelegram.Server
}

// AddTelegram serves a fake Bot API for bot under TelegramPath and plays
// its customers.
func (s *Simulator) AddTelegram(bot TelegramBot) *faketelegram.Server {
	fake := faketelegram.New()
	fake.AddBot(bot.Token, faketelegram.Bot{ID: bot.ID, Username: bot.Username, FirstName: bot.Name})
	s.channels[Telegram] = &telegramSim{s: s, bot: bot, fake: fake}
	s.mount(TelegramPath, fake)
	return fake
}

func (t *telegramSim) validUser(id string) bool { return digits(id, 5, 15) && id[0] != '0' }

// deliver posts an Update: a message, or a callback_query for an inline
// button, with the secret token header.
func (t *telegramSim) deliver(ctx context.Context, req *sendRequest) (string, error) {
	id, _ := strconv.ParseInt(req.User, 10, 64)
	from := faketelegram.From{ID: id, FirstName: req.FirstName, LastName: req.LastName}
	n := t.s.nextID()
	updateID, now := time.Now().Unix()*1000+n, time.Now()
	var body []byte
	msgID := fmt.Sprintf("tg_in_%d", n)
	switch {
	case req.Postback != nil:
		onMsg, _ := strconv.ParseInt(req.MessageID, 10, 64)
		body = faketelegram.CallbackUpdate(updateID, from, "cbq"+strconv.FormatInt(updateID, 10), onMsg, req.Postback.Payload, now)
	default:
		m := faketelegram.Message(1_000_000+n, from, now)
		if err := t.content(m, req, n); err != nil {
			return "", err
		}
		body = faketelegram.Update(updateID, "message", m)
	}
	url, err := t.s.accountURL(ctx, Telegram)
	if err != nil {
		return "", err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(faketelegram.SecretHeader, t.bot.Secret)
	return msgID, t.s.postTo(ctx, url, body, h)
}

// content fills a message: a text, the sample photo (downloadable through
// getFile) or a location.
func (t *telegramSim) content(m map[string]any, req *sendRequest, n int64) error {
	switch {
	case req.Photo:
		fileID := fmt.Sprintf("sim-photo-%d", n)
		t.fake.AddFile(fileID, "photos/"+fileID+".png", samplePhoto())
		m["photo"] = []map[string]any{{"file_id": fileID, "file_unique_id": "u" + fileID, "width": 320, "height": 200,
			"file_size": len(samplePhoto())}}
	case req.Location != nil:
		m["location"] = map[string]any{"latitude": req.Location.Lat, "longitude": req.Location.Long}
	case req.Text != "":
		m["text"] = req.Text
		if strings.HasPrefix(req.Text, "/") {
			m["entities"] = []map[string]any{{"offset": 0, "length": len(strings.Fields(req.Text)[0]), "type": "bot_command"}}
		}
	default:
		return errUnsupported
	}
	return nil
}

// replies reads the bot's sends to the chat. A message's id is its
// number in the chat, as Telegram counts (the fake numbers them so).
func (t *telegramSim) replies(user string) []Reply {
	var out []Reply
	n := 0
	for i, r := range t.fake.Requests() {
		if r.Params["chat_id"] != user {
			continue
		}
		method := strings.ToLower(r.APIMethod)
		if method == "sendchataction" {
			id := "tg_" + strconv.Itoa(i)
			out = append(out, Reply{ID: id, SenderAction: "typing_on", Time: t.s.stamp(id)})
			continue
		}
		if !strings.HasPrefix(method, "send") {
			continue
		}
		n++
		rep := telegramReply(method, r.Params, strconv.Itoa(n))
		rep.ID = "tg_" + strconv.Itoa(i)
		rep.Time = t.s.stamp(rep.ID)
		out = append(out, rep)
	}
	return out
}

// telegramReply shows one send method as the Telegram app does: text or
// a photo with caption, an inline keyboard under it, a reply keyboard.
func telegramReply(method string, p map[string]string, messageID string) Reply {
	r := Reply{Text: p["text"]}
	switch method {
	case "sendmessage":
	case "sendphoto":
		r.Text = p["caption"]
		if u := p["photo"]; strings.HasPrefix(u, "http") {
			r.Image = u
		} else {
			r.Text = strings.TrimSpace("🖼 " + strings.TrimPrefix(u, "upload:") + "\n" + r.Text)
		}
	default:
		field := strings.TrimPrefix(method, "send")
		r.Text = strings.TrimSpace("📎 " + strings.TrimPrefix(p[field], "upload:") + "\n" + p["caption"])
	}
	markup := jsonObject(p["reply_markup"])
	for _, row := range asList(markup["inline_keyboard"]) {
		for _, b := range objects(row) {
			title := asString(b["text"])
			if u := asString(b["url"]); u != "" {
				r.Buttons = append(r.Buttons, link(title, u))
				continue
			}
			btn := postbackTap(title, asString(b["callback_data"]))
			btn.Tap.MessageID = messageID
			r.Buttons = append(r.Buttons, btn)
		}
	}
	for _, row := range asList(markup["keyboard"]) {
		for _, b := range objects(row) {
			r.QuickReplies = append(r.QuickReplies, textTap(asString(b["text"])))
		}
	}
	return r
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
