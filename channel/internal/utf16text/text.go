// Package utf16text cuts and lists message text the way platforms that
// count UTF-16 code units (Telegram, LINE) measure it. It is shared by the
// channel packages and imports only the standard library.
package utf16text

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Split splits s into chunks of at most limit UTF-16 code units, breaking
// after a newline or space when the chunk has one. Whitespace-only chunks
// are dropped.
func Split(s string, limit int) []string {
	var out []string
	for s != "" {
		cut := cutAt(s, limit)
		if chunk := strings.TrimRight(s[:cut], " \n"); strings.TrimSpace(chunk) != "" {
			out = append(out, chunk)
		}
		s = s[cut:]
	}
	return out
}

// cutAt returns the byte index where the first chunk of s ends.
func cutAt(s string, limit int) int {
	units, lastBreak := 0, -1
	for i, r := range s {
		n := units16(r)
		if units+n > limit {
			if lastBreak > 0 {
				return lastBreak
			}
			if i == 0 {
				_, size := utf8.DecodeRuneInString(s)
				return size
			}
			return i
		}
		units += n
		if r == '\n' || r == ' ' {
			lastBreak = i + 1
		}
	}
	return len(s)
}

// Truncate shortens s to at most limit UTF-16 code units.
func Truncate(s string, limit int) string {
	units := 0
	for i, r := range s {
		n := units16(r)
		if units+n > limit {
			return s[:i]
		}
		units += n
	}
	return s
}

func units16(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// Option is one choice of a numbered-text fallback: a link shows its URL,
// anything else sends Payload when the customer answers its number.
// Its fields are parley.Choice's, so one converts to the other.
type Option struct {
	Title, Payload, URL string
}

// Numbering numbers a reply's fallback options across its parts (1, 2, …
// in the order they are listed) and keeps them, so a customer's number
// can be read back as the option it names.
type Numbering struct {
	Listed []Option
}

// List renders opts numbered after the ones listed before.
func (n *Numbering) List(opts []Option) string {
	s := Numbered(opts, len(n.Listed)+1)
	n.Listed = append(n.Listed, opts...)
	return s
}

// Numbered renders options as "1. Title" lines, numbering from first; a
// link shows its URL so the customer can still open it.
func Numbered(opts []Option, first int) string {
	lines := make([]string, 0, len(opts))
	for i, o := range opts {
		line := strconv.Itoa(first+i) + ". " + o.Title
		if o.URL != "" {
			line += ": " + o.URL
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// JoinNonEmpty joins the non-empty parts with sep.
func JoinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
