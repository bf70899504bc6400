package vonage

import (
	"strings"

	"github.com/parleycc/parley"
)

// Choice is one numbered option of the text fallback (parley.Choice).
type Choice = parley.Choice

// Choices lists the reply's choices in the order every channel numbers
// them (parley.Reply.Choices).
func Choices(r parley.Reply) []Choice { return r.Choices() }

// NumberedList writes choices one a line (parley.NumberedList).
func NumberedList(choices []Choice) string { return parley.NumberedList(choices) }

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

// NumbersChoices reports that every Vonage route lists a reply's choices
// as numbered text (Fallback), so a customer answers with a number.
func (c *Channel) NumberedChoices(_ *parley.Account, r parley.Reply) []parley.Choice {
	return r.Choices()
}
