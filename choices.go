package parley

import (
	"strconv"
	"strings"
)

// Choice is one thing a customer can pick in a reply: a quick reply, a
// button, or a card without buttons. Channels that cannot show them list
// them numbered, and a customer who answers with the number picks it.
type Choice struct {
	Title   string
	Payload string // what picking it sends, like a tap would
	URL     string // a link instead of a payload
}

// Choices lists a reply's choices in the order every channel numbers them:
// buttons, quick replies, then each card's buttons (a card without
// buttons is a choice itself).
func (r Reply) Choices() []Choice {
	var out []Choice
	for _, b := range r.Buttons {
		out = append(out, buttonChoice(b, ""))
	}
	for _, q := range r.QuickReplies {
		out = append(out, Choice{Title: q.Title, Payload: orElse(q.Payload, q.Title)})
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

// NumberedList writes choices one a line: "1. Title" (and the link).
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

// PickedChoice reads a customer's answer as the number of one of the
// reply's choices ("2", " 2. "); ok is false for any other text, a number
// out of range, or a link.
func (r Reply) PickedChoice(answer string) (c Choice, ok bool) {
	return PickChoice(r.Choices(), answer)
}

// PickChoice reads a customer's answer as the number of one of choices
// (numbered from 1); ok is false for any other text, a number out of
// range, or a link.
func PickChoice(choices []Choice, answer string) (c Choice, ok bool) {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(answer), "."))
	if err != nil || n < 1 || n > len(choices) || choices[n-1].URL != "" {
		return Choice{}, false
	}
	return choices[n-1], true
}

func buttonChoice(b Button, card string) Choice {
	title := joinNonEmpty(": ", card, b.Title)
	if b.Type == ButtonURL || (b.Type == "" && b.URL != "") {
		return Choice{Title: title, URL: b.URL}
	}
	return Choice{Title: title, Payload: orElse(b.Payload, b.Title)}
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

func orElse(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
