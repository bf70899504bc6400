package line

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// splitText splits s into chunks of at most limit UTF-16 code units,
// breaking after a newline or space when the chunk has one.
// Whitespace-only chunks are dropped.
func splitText(s string, limit int) []string {
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
		n := 1
		if r >= 0x10000 {
			n = 2
		}
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

// truncate shortens s to at most limit UTF-16 code units.
func truncate(s string, limit int) string {
	units := 0
	for i, r := range s {
		n := 1
		if r >= 0x10000 {
			n = 2
		}
		if units+n > limit {
			return s[:i]
		}
		units += n
	}
	return s
}

// option is one choice of a numbered-text fallback.
type option struct {
	title, url string
}

// numbered renders options as "1. Title" lines, numbering from first; a
// link shows its URL so the customer can still open it.
func numbered(opts []option, first int) string {
	lines := make([]string, 0, len(opts))
	for i, o := range opts {
		line := strconv.Itoa(first+i) + ". " + o.title
		if o.url != "" {
			line += ": " + o.url
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// joinText joins non-empty paragraphs with a blank line.
func joinText(parts ...string) string {
	return joinNonEmpty("\n\n", parts...)
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
