// Package runetext cuts message text for platforms that count characters
// (Viber, Vonage's routes). It imports only the standard library.
package runetext

import "strings"

// Split cuts s into parts of at most limit characters, preferring to
// cut after a newline or a space; "" gives no parts. Invalid UTF-8 bytes
// count as one character each and are kept as they are.
func Split(s string, limit int) []string {
	var parts []string
	for s != "" {
		cut := prefixLen(s, limit)
		if cut == len(s) {
			return append(parts, s)
		}
		if i := strings.LastIndexAny(s[:cut], "\n "); i > cut/2 {
			cut = i + 1
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return parts
}

// prefixLen is the byte length of the first n characters of s.
func prefixLen(s string, n int) int {
	i := 0
	for j := range s {
		if i == n {
			return j
		}
		i++
	}
	return len(s)
}
