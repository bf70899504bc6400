package viber

import (
	"cmp"
	"html"
	"path"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/internal/runetext"
)

// Limits of send_message.
const (
	MaxText       = 7000     // characters of a text message
	MaxCards      = 6        // cards of one rich_media message
	MaxCardRows   = 7        // rows of a rich_media card (ButtonsGroupRows)
	MaxCardCols   = 6        // columns of the keyboard and card grid
	MaxVideoBytes = 27262976 // 26 MB
	MaxFileBytes  = 52428800 // 50 MB
)

// API versions a message needs when it carries a keyboard or rich media.
const (
	keyboardAPIVersion  = 3
	richMediaAPIVersion = 3
)

// sendBody is one send_message request (and the welcome answer, which has
// no receiver).
type sendBody struct {
	Receiver      string     `json:"receiver,omitempty"`
	MinAPIVersion int        `json:"min_api_version,omitempty"`
	Sender        sender     `json:"sender"`
	TrackingData  string     `json:"tracking_data,omitempty"`
	Type          string     `json:"type"`
	Text          *string    `json:"text,omitempty"`
	Media         string     `json:"media,omitempty"`
	Size          int64      `json:"size,omitempty"`
	FileName      string     `json:"file_name,omitempty"`
	RichMedia     *richMedia `json:"rich_media,omitempty"`
	Keyboard      *keyboard  `json:"keyboard,omitempty"`
}

type sender struct {
	Name   string `json:"name"`
	Avatar string `json:"avatar,omitempty"`
}

type keyboard struct {
	Type          string   `json:"Type"`
	DefaultHeight bool     `json:"DefaultHeight"`
	Buttons       []button `json:"Buttons"`
}

type richMedia struct {
	Type                string   `json:"Type"`
	ButtonsGroupColumns int      `json:"ButtonsGroupColumns"`
	ButtonsGroupRows    int      `json:"ButtonsGroupRows"`
	BgColor             string   `json:"BgColor,omitempty"`
	Buttons             []button `json:"Buttons"`
}

type button struct {
	Columns    int    `json:"Columns"`
	Rows       int    `json:"Rows"`
	ActionType string `json:"ActionType"`
	ActionBody string `json:"ActionBody"`
	Text       string `json:"Text,omitempty"`
	Image      string `json:"Image,omitempty"`
	TextVAlign string `json:"TextVAlign,omitempty"`
	TextHAlign string `json:"TextHAlign,omitempty"`
	Silent     bool   `json:"Silent,omitempty"`
}

// render turns a reply into the send_message bodies to post in order:
// text (split at MaxText), attachments, then cards; the keyboard of quick
// replies and buttons rides on the last message.
func render(acct *parley.Account, receiver string, out *parley.Outgoing) ([]sendBody, error) {
	base := sendBody{Receiver: receiver, Sender: senderOf(acct)}
	var msgs []sendBody
	for _, part := range runetext.Split(out.Text, MaxText) {
		m := base
		m.Type, m.Text = "text", strp(part)
		msgs = append(msgs, m)
	}
	for _, a := range out.Attachments {
		m, err := attachmentBody(base, a, out.File)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	if len(out.Cards) > 0 {
		m := base
		m.Type, m.MinAPIVersion, m.RichMedia = "rich_media", richMediaAPIVersion, cardsMedia(out.Cards)
		msgs = append(msgs, m)
	}
	kb := keyboardOf(out.QuickReplies, out.Buttons)
	if kb != nil && len(msgs) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "viber: buttons without text")
	}
	if kb != nil {
		last := &msgs[len(msgs)-1]
		last.Keyboard = kb
		last.MinAPIVersion = max(last.MinAPIVersion, keyboardAPIVersion)
	}
	if len(msgs) == 0 {
		return nil, parley.Errorf(parley.EINVALID, "viber: empty message")
	}
	return msgs, nil
}

// senderOf is the sender block from the account settings.
func senderOf(acct *parley.Account) sender {
	return sender{Name: acct.Setting(SettingSenderName), Avatar: acct.Setting(SettingSenderAvatar)}
}

// attachmentBody renders one attachment by URL: a picture whose URL ends
// in an image extension, a video or file when its size is known, and a
// url message otherwise.
func attachmentBody(base sendBody, a parley.ReplyAttachment, f *parley.File) (sendBody, error) {
	if a.URL == "" {
		return base, parley.Errorf(parley.EINVALID, "viber: attachment has no public URL")
	}
	size, name := a.Size, a.Name
	if f != nil && (a.FileID == "" || a.FileID == f.ID) {
		size, name = cmp.Or(size, f.Size), cmp.Or(name, f.Name)
	}
	if name == "" {
		name = path.Base(urlPath(a.URL))
	}
	m := base
	m.Media = a.URL
	switch {
	case a.Type == "image" && isPictureURL(a.URL):
		m.Type, m.Text = "picture", strp("")
	case a.Type == "video" && size > 0 && size <= MaxVideoBytes:
		m.Type, m.Size = "video", size
	case size > 0 && size <= MaxFileBytes && strings.Contains(name, "."):
		m.Type, m.Size, m.FileName = "file", size, name
	default:
		m.Type = "url"
	}
	return m, nil
}

// keyboardOf renders quick replies (two per row) and buttons (one per row)
// as a keyboard; nil when there are none.
func keyboardOf(qrs []parley.QuickReply, btns []parley.Button) *keyboard {
	if len(qrs) == 0 && len(btns) == 0 {
		return nil
	}
	kb := &keyboard{Type: "keyboard"}
	for _, q := range qrs {
		p := q.Payload
		if p == "" {
			p = q.Title
		}
		kb.Buttons = append(kb.Buttons, button{Columns: 3, Rows: 1, ActionType: "reply", ActionBody: QuickReplyPrefix + p, Text: html.EscapeString(q.Title)})
	}
	for _, b := range btns {
		kb.Buttons = append(kb.Buttons, buttonOf(b, MaxCardCols, 1))
	}
	return kb
}

// buttonOf renders a postback or link button.
func buttonOf(b parley.Button, cols, rows int) button {
	out := button{Columns: cols, Rows: rows, Text: html.EscapeString(b.Title)}
	if b.Type == parley.ButtonURL || (b.Type == "" && b.URL != "") {
		out.ActionType, out.ActionBody = "open-url", b.URL
		return out
	}
	p := b.Payload
	if p == "" {
		p = b.Title
	}
	out.ActionType, out.ActionBody = "reply", PostbackPrefix+p
	return out
}

// cardsMedia renders up to MaxCards cards, each filling MaxCardRows rows:
// an image (3 rows), the title and subtitle, and up to 3 buttons.
func cardsMedia(cards []parley.Card) *richMedia {
	rm := &richMedia{Type: "rich_media", ButtonsGroupColumns: MaxCardCols, ButtonsGroupRows: MaxCardRows, BgColor: "#FFFFFF"}
	for i, c := range cards {
		if i == MaxCards {
			break
		}
		rm.Buttons = append(rm.Buttons, cardButtons(c)...)
	}
	return rm
}

// cardButtons lays one card out on the grid.
func cardButtons(c parley.Card) []button {
	const imageRows, maxButtons = 3, 3
	btns := c.Buttons
	if len(btns) > maxButtons {
		btns = btns[:maxButtons]
	}
	var out []button
	rows := MaxCardRows - len(btns)
	if c.ImageURL != "" {
		out = append(out, button{Columns: MaxCardCols, Rows: imageRows, ActionType: "none", ActionBody: "none", Image: c.ImageURL})
		rows -= imageRows
	}
	text := "<b>" + html.EscapeString(c.Title) + "</b>"
	if c.Subtitle != "" {
		text += "<br>" + html.EscapeString(c.Subtitle)
	}
	out = append(out, button{Columns: MaxCardCols, Rows: rows, ActionType: "none", ActionBody: "none", Text: text, TextVAlign: "top", TextHAlign: "left"})
	for _, b := range btns {
		out = append(out, buttonOf(b, MaxCardCols, 1))
	}
	return out
}

// isPictureURL reports whether the URL path ends in an extension Viber
// accepts for pictures.
func isPictureURL(u string) bool {
	switch strings.ToLower(path.Ext(urlPath(u))) {
	case ".jpg", ".jpeg", ".png", ".gif":
		return true
	}
	return false
}

// urlPath is the path of u without query or fragment.
func urlPath(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

func strp(s string) *string { return &s }
