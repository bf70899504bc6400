package simulator

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"time"
)

// Reply is something Parley sent to the simulated customer, in the terms
// the page draws: a bubble with text or a picture, buttons under it,
// a carousel of cards, and choices shown until the customer answers.
type Reply struct {
	ID    string `json:"id"`
	Text  string `json:"text,omitempty"`
	Image string `json:"image,omitempty"`
	// Buttons are attached to the bubble: Telegram's inline keyboard,
	// Messenger's and LINE's button templates.
	Buttons []Button `json:"buttons,omitempty"`
	// Cards are a horizontal carousel: Messenger's generic template, LINE's
	// Flex carousel, Viber's rich media.
	Cards []Card `json:"cards,omitempty"`
	// QuickReplies are offered until the customer answers: Messenger's and
	// LINE's quick replies, Telegram's reply keyboard, Viber's keyboard.
	QuickReplies []Button  `json:"quick_replies,omitempty"`
	SenderAction string    `json:"sender_action,omitempty"`
	Time         time.Time `json:"time"`
}

// Button is a tappable choice: a link (URL) or what tapping it sends.
type Button struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
	Tap   *Tap   `json:"tap,omitempty"`
}

// Tap is the part of a send request a tap posts, as the platform sends it.
type Tap struct {
	Text       string    `json:"text,omitempty"`
	QuickReply string    `json:"quick_reply,omitempty"`
	Postback   *Postback `json:"postback,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
}

// Card is one card of a carousel.
type Card struct {
	Title    string   `json:"title,omitempty"`
	Subtitle string   `json:"subtitle,omitempty"`
	Image    string   `json:"image,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
}

// link is a button that opens a URL.
func link(title, url string) Button { return Button{Title: title, URL: url} }

// textTap is a choice whose tap sends its title as text.
func textTap(title string) Button { return Button{Title: title, Tap: &Tap{Text: title}} }

// postbackTap is a choice whose tap sends payload as a postback.
func postbackTap(title, payload string) Button {
	return Button{Title: title, Tap: &Tap{Text: title, Postback: &Postback{Title: title, Payload: payload}}}
}

// jsonObject decodes a JSON object, nil when s is not one.
func jsonObject(s string) map[string]any {
	var m map[string]any
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	return m
}

// objects returns the JSON objects of a list value.
func objects(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func asString(v any) string {
	s, _ := v.(string)
	return s
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

var tags = regexp.MustCompile(`<[^>]*>`)

// plainText turns Viber's bit of HTML (<b>, <br>) into text lines.
func plainText(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(s)
	return html.UnescapeString(tags.ReplaceAllString(s, ""))
}
