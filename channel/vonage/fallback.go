package vonage

import (
	"strconv"
	"strings"

	"github.com/parleycc/parley"
)

// Choice is one numbered option of the text fallback: what the customer
// picks by answering its number.
type Choice struct {
	Title   string
	Payload string // postback or quick-reply payload ("" for links)
	URL     string // link buttons
}

// Choices lists, in the order Fallback numbers them, the reply's buttons,
// its quick replies and its cards' buttons (a card without buttons is one
// choice of its own, titled with its title and subtitle).
func Choices(r parley.Reply) []Choice {
	var out []Choice
	for _, b := range r.Buttons {
		out = append(out, buttonChoice(b, ""))
	}
	for _, q := range r.QuickReplies {
		out = append(out, Choice{Title: q.Title, Payload: cmpOr(q.Payload, q.Title)})
	}
	for _, c := range r.Cards {
		if len(c.Buttons) == 0 {
			out = append(out, Choice{Title: joinNonEmpty(" — ", c.Title, c.Subtitle), Payload: c.Title})
		}
		for _, b := range c.Buttons {
			out = append(out, buttonChoice(b, c.Title))
		}
	}
	return out
}

func buttonChoice(b parley.Button, card string) Choice {
	title := joinNonEmpty(": ", card, b.Title)
	if b.Type == parley.ButtonURL || (b.Type == "" && b.URL != "") {
		return Choice{Title: title, URL: b.URL}
	}
	return Choice{Title: title, Payload: cmpOr(b.Payload, b.Title)}
}

// NumberedList formats choices as "1. Title\n2. Title", links as
// "Title: URL".
func NumberedList(choices []Choice) string {
	var b strings.Builder
	for i, c := range choices {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + c.Title)
		if c.URL != "" {
			b.WriteString(" " + c.URL)
		}
	}
	return b.String()
}

// Fallback is the reply's text with its buttons, quick replies and cards
// appended as a numbered list, for routes that cannot show them.
func Fallback(r parley.Reply) string {
	list := NumberedList(Choices(r))
	switch {
	case list == "":
		return r.Text
	case r.Text == "":
		return list
	}
	return r.Text + "\n\n" + list
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
