package vonage

import (
	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/internal/runetext"
)

// Text limits per route, in characters.
const (
	MaxTextMessenger = 640
	MaxTextViber     = 1000
	MaxTextSMS       = 1600
	MaxTextWhatsApp  = 4096
)

// MaxActionText is the longest viber_service action button text.
const MaxActionText = 30

// messageBody is one POST /v1/messages body.
type messageBody struct {
	MessageType  string        `json:"message_type"`
	Channel      string        `json:"channel"`
	To           string        `json:"to"`
	From         string        `json:"from"`
	Text         string        `json:"text,omitempty"`
	Image        *mediaOut     `json:"image,omitempty"`
	Video        *mediaOut     `json:"video,omitempty"`
	Audio        *mediaOut     `json:"audio,omitempty"`
	File         *mediaOut     `json:"file,omitempty"`
	ClientRef    string        `json:"client_ref,omitempty"`
	Messenger    *messengerOpt `json:"messenger,omitempty"`
	ViberService *viberOpt     `json:"viber_service,omitempty"`
}

type mediaOut struct {
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
}

type messengerOpt struct {
	Category string `json:"category"`
}

type viberOpt struct {
	Category string       `json:"category"`
	Action   *viberAction `json:"action,omitempty"`
}

type viberAction struct {
	URL  string `json:"url"`
	Text string `json:"text"`
}

// textLimit is the route's text limit.
func textLimit(route string) int {
	switch route {
	case RouteMessenger:
		return MaxTextMessenger
	case RouteSMS:
		return MaxTextSMS
	case RouteWhatsApp:
		return MaxTextWhatsApp
	}
	return MaxTextViber
}

// render turns a reply into the bodies to post in order: text parts (with
// the numbered fallback), then attachments (as links on SMS).
func render(acct *parley.Account, to string, out *parley.Outgoing) ([]messageBody, error) {
	route := acct.Setting(SettingRoute)
	base := messageBody{Channel: route, To: to, From: acct.Setting(SettingFrom), ClientRef: out.MessageID}
	switch route {
	case RouteMessenger:
		base.Messenger = &messengerOpt{Category: "response"}
	case RouteViber:
		base.ViberService = &viberOpt{Category: "transaction"}
	}
	text, action := textOf(route, out.Reply)
	var media []messageBody
	for _, a := range out.Attachments {
		if a.URL == "" {
			return nil, parley.Errorf(parley.EINVALID, "vonage: attachment has no public URL")
		}
		if route == RouteSMS {
			text = joinNonEmpty("\n", text, a.URL)
			continue
		}
		media = append(media, mediaBody(base, route, a))
	}
	var msgs []messageBody
	parts := runetext.Split(text, textLimit(route))
	for i, p := range parts {
		m := base
		m.MessageType, m.Text = "text", p
		if action != nil && i == len(parts)-1 {
			m.ViberService = &viberOpt{Category: "transaction", Action: action}
		}
		msgs = append(msgs, m)
	}
	msgs = append(msgs, media...)
	if len(msgs) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "vonage: empty message")
	}
	return msgs, nil
}

// textOf is the text to send and, on viber_service, the one link button
// shown natively when it is the reply's only choice.
func textOf(route string, r parley.Reply) (string, *viberAction) {
	if route == RouteViber && len(r.QuickReplies) == 0 && len(r.Cards) == 0 && len(r.Buttons) == 1 && r.Text != "" {
		b := r.Buttons[0]
		if b.URL != "" && (b.Type == parley.ButtonURL || b.Type == "") && len([]rune(b.Title)) <= MaxActionText {
			return r.Text, &viberAction{URL: b.URL, Text: b.Title}
		}
	}
	return Fallback(r), nil
}

// mediaBody renders one attachment by URL; viber_service sends what is
// not an image as a file (its video needs a thumbnail, size and duration).
func mediaBody(base messageBody, route string, a parley.ReplyAttachment) messageBody {
	m := base
	mo := &mediaOut{URL: a.URL}
	typ := a.Type
	if route == RouteViber && typ != "image" {
		typ = "file"
	}
	switch typ {
	case "image":
		m.Image = mo
	case "video":
		m.Video = mo
	case "audio":
		m.Audio = mo
	default:
		typ, m.File = "file", mo
		if route != RouteMessenger {
			mo.Name = a.Name
		}
	}
	m.MessageType = typ
	return m
}
