package web

import "testing"

func TestWidgetAccountPath(t *testing.T) {
	for path, want := range map[string]string{
		"/widget/a1/session":     "a1",
		"/widget/a1/files/f1":    "a1",
		"/webhooks/webchat/a1":   "a1",
		"/widget/":               "",
		"/widget.js":             "",
		"/webhooks/telegram/a1":  "",
		"/api/chats/c1/messages": "",
		"/webhooks/webchat/":     "",
	} {
		got, ok := widgetAccount(path)
		if got != want || ok != (want != "") {
			t.Errorf("widgetAccount(%q) = %q, %v; want %q", path, got, ok, want)
		}
	}
}
