package fakeline

import (
	"encoding/json"
	"fmt"
	"strings"
)

// wireMessage is the part of a message object the fake checks.
type wireMessage struct {
	Type               string `json:"type"`
	Text               string `json:"text"`
	AltText            string `json:"altText"`
	OriginalContentURL string `json:"originalContentUrl"`
	PreviewImageURL    string `json:"previewImageUrl"`
	QuickReply         *struct {
		Items []json.RawMessage `json:"items"`
	} `json:"quickReply"`
	Template *struct {
		Type    string            `json:"type"`
		Text    string            `json:"text"`
		Actions []json.RawMessage `json:"actions"`
	} `json:"template"`
	Contents *struct {
		Type     string            `json:"type"`
		Contents []json.RawMessage `json:"contents"`
	} `json:"contents"`
}

// validateMessages checks messages as LINE documents its limits.
func validateMessages(raw []json.RawMessage) []detail {
	if len(raw) < 1 || len(raw) > 5 {
		return []detail{{"Size must be between 1 and 5", "messages"}}
	}
	var out []detail
	for i, r := range raw {
		var m wireMessage
		if err := json.Unmarshal(r, &m); err != nil {
			out = append(out, detail{"Invalid message", fmt.Sprintf("messages[%d]", i)})
			continue
		}
		out = append(out, validateMessage(fmt.Sprintf("messages[%d]", i), &m)...)
	}
	return out
}

func validateMessage(p string, m *wireMessage) []detail {
	var out []detail
	add := func(msg, prop string) { out = append(out, detail{msg, p + prop}) }
	switch m.Type {
	case "text":
		if n := utf16Len(m.Text); n == 0 || n > 5000 {
			add("Length must be between 1 and 5000", ".text")
		}
	case "image", "video":
		if !strings.HasPrefix(m.OriginalContentURL, "https://") || !strings.HasPrefix(m.PreviewImageURL, "https://") {
			add("Must be a valid HTTPS URL", ".originalContentUrl")
		}
	case "template":
		out = append(out, validateTemplate(p, m)...)
	case "flex":
		if m.AltText == "" || utf16Len(m.AltText) > 1500 {
			add("Length must be between 1 and 1500", ".altText")
		}
		if m.Contents == nil || m.Contents.Type == "carousel" && len(m.Contents.Contents) > 12 {
			add("Size must be between 1 and 12", ".contents.contents")
		}
	case "audio", "location", "sticker", "imagemap":
	default:
		add("Invalid message type", ".type")
	}
	if m.QuickReply != nil && (len(m.QuickReply.Items) < 1 || len(m.QuickReply.Items) > 13) {
		add("Size must be between 1 and 13", ".quickReply.items")
	}
	return out
}

func validateTemplate(p string, m *wireMessage) []detail {
	var out []detail
	add := func(msg, prop string) { out = append(out, detail{msg, p + prop}) }
	if m.AltText == "" || utf16Len(m.AltText) > 400 {
		add("Length must be between 1 and 400", ".altText")
	}
	t := m.Template
	if t == nil {
		add("May not be empty", ".template")
		return out
	}
	if t.Type == "buttons" {
		if len(t.Actions) < 1 || len(t.Actions) > 4 {
			add("Size must be between 1 and 4", ".template.actions")
		}
		if n := utf16Len(t.Text); n == 0 || n > 160 {
			add("Length must be between 1 and 160", ".template.text")
		}
	}
	return out
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
