package telegram

import "github.com/parleycc/parley/channel/internal/utf16text"

// option is one choice of a numbered-text fallback.
type option = utf16text.Option

// joinText joins non-empty paragraphs with a blank line.
func joinText(parts ...string) string {
	return utf16text.JoinNonEmpty("\n\n", parts...)
}
