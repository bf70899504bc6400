package webchat

import (
	"net/url"
	"strings"

	"github.com/parleycc/parley"
)

// Account settings of a web chat account (settings: in parley.yaml).
const (
	// SettingAllowedOrigins lists the origins (scheme://host[:port]),
	// comma-separated, whose pages may embed the widget.
	SettingAllowedOrigins = "allowed_origins"
	// SettingTitle is the chat panel's title.
	SettingTitle = "title"
	// SettingGreeting is shown above the transcript before anyone writes.
	SettingGreeting = "greeting"
	// SettingPrechatFields lists the pre-chat form's fields, comma-separated
	// (e.g. "name,email"); empty: no form.
	SettingPrechatFields = "prechat_fields"
)

// list splits a comma-separated setting, trimming and dropping blanks.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// isOrigin reports whether s is exactly an origin: http(s)://host[:port],
// with no path, query, fragment or credentials.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.Path == "" && u.RawQuery == "" && u.Fragment == "" && u.User == nil && !u.ForceQuery &&
		u.Opaque == "" && s == u.Scheme+"://"+u.Host
}

// AllowsOrigin reports whether a browser page of origin may call the
// account's visitor endpoints.
func (c *Channel) AllowsOrigin(acct *parley.Account, origin string) bool {
	for _, o := range list(acct.Setting(SettingAllowedOrigins)) {
		if strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// WidgetInfo is what the widget shows before the first message: the
// panel's title, its greeting and the pre-chat form's fields.
func (c *Channel) WidgetInfo(acct *parley.Account) (title, greeting string, prechat []string) {
	title = acct.Setting(SettingTitle)
	if title == "" {
		title = acct.Name
	}
	return title, acct.Setting(SettingGreeting), list(acct.Setting(SettingPrechatFields))
}
