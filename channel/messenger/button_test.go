package messenger_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
)

var (
	// pluginDiv is the plugin's div: its attributes end at the first ">".
	pluginDiv = regexp.MustCompile(`<div class="fb-send-to-messenger"([^>]*)></div>`)
	// quotedAttr is one attribute whose value holds no quote or bracket.
	quotedAttr = regexp.MustCompile(`^\s+([a-z_-]+)="([^"<>]*)"`)
	// appIDString is the App ID's JavaScript string in FB.init.
	appIDString = regexp.MustCompile(`appId: "((?:[^"\\\n]|\\.)*)"`)
)

// attrs reads the plugin div's attributes, failing if anything but
// name="value" pairs is there (a value broke out of its quotes).
func attrs(t *testing.T, snippet string) ([]string, map[string]string) {
	t.Helper()
	m := pluginDiv.FindAllStringSubmatch(snippet, -1)
	if len(m) != 1 {
		t.Fatalf("want one plugin div, found %d in:\n%s", len(m), snippet)
	}
	rest := m[0][1]
	var names []string
	vals := map[string]string{}
	for strings.TrimSpace(rest) != "" {
		a := quotedAttr.FindStringSubmatch(rest)
		if a == nil {
			t.Fatalf("not an attribute: %q (in %s)", rest, m[0][0])
		}
		names = append(names, a[1])
		vals[a[1]] = html.UnescapeString(a[2])
		rest = rest[len(a[0]):]
	}
	return names, vals
}

// TestSendToMessengerEscaping: values with quotes, brackets, ampersands
// and a closing script tag stay inside their attribute or script string
// and read back exactly.
func TestSendToMessengerEscaping(t *testing.T) {
	hostile := map[string]string{
		"app":   `1"</script><script>alert(1)</script>`,
		"page":  `104' onload='alert(2)`,
		"ref":   `"><img src=x onerror=alert(3)>&amp;`,
		"color": `blue" data-x="`,
		"size":  "large\n<b>",
	}
	out := messenger.SendToMessengerHTML(hostile["app"], hostile["page"], hostile["ref"], hostile["color"], hostile["size"])
	names, vals := attrs(t, out)
	if got := strings.Join(names, " "); got != "messenger_app_id page_id data-ref color size" {
		t.Fatalf("attributes %q", got)
	}
	for name, want := range map[string]string{"messenger_app_id": hostile["app"], "page_id": hostile["page"],
		"data-ref": hostile["ref"], "color": hostile["color"], "size": hostile["size"]} {
		if vals[name] != want {
			t.Errorf("%s reads back %q, want %q", name, vals[name], want)
		}
	}
	if n := strings.Count(out, "<script"); n != 2 {
		t.Errorf("%d <script tags, want the SDK's 2:\n%s", n, out)
	}
	if n := strings.Count(out, "</script>"); n != 2 {
		t.Errorf("%d </script> tags, want the SDK's 2:\n%s", n, out)
	}
	if strings.Contains(out, "<img") || strings.Contains(out, "<b>") {
		t.Errorf("markup of a value got out:\n%s", out)
	}
	js := appIDString.FindStringSubmatch(out)
	if js == nil {
		t.Fatalf("no appId string in:\n%s", out)
	}
	if strings.ContainsAny(js[1], "<>") {
		t.Errorf("appId string %q holds a bracket", js[1])
	}
	if got, err := strconv.Unquote(`"` + strings.ReplaceAll(js[1], `\'`, `'`) + `"`); err != nil || got != hostile["app"] {
		t.Errorf("appId reads back %q (%v), want %q", got, err, hostile["app"])
	}

	if got := messenger.MessengerLink("104329875512345", `a b&c"<`); got != "https://m.me/104329875512345?ref=a+b%26c%22%3C" {
		t.Errorf("m.me link %q", got)
	}
}

// TestWebsiteButton: the channel writes the plugin for an account's page
// with the App ID given or stored, and refuses what Facebook would.
func TestWebsiteButton(t *testing.T) {
	ch := messenger.New(nil)
	acct := &parley.Account{Type: messenger.Type, PageID: "104329875512345",
		Settings: map[string]string{messenger.SettingAppID: "1517776481860111"}}

	b, err := ch.WebsiteButton(acct, parley.ButtonOptions{Ref: "pricing-page"})
	if err != nil {
		t.Fatal(err)
	}
	_, vals := attrs(t, b.HTML)
	want := map[string]string{"messenger_app_id": "1517776481860111", "page_id": "104329875512345", "data-ref": "pricing-page",
		"color": "blue", "size": "large"}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("%s = %q, want %q", k, vals[k], v)
		}
	}
	if !strings.Contains(b.HTML, `appId: "1517776481860111"`) || !strings.Contains(b.HTML, "https://connect.facebook.net/en_US/sdk.js") {
		t.Errorf("no SDK loader for the app:\n%s", b.HTML)
	}
	if b.Link != "https://m.me/104329875512345?ref=pricing-page" {
		t.Errorf("link %q", b.Link)
	}

	b, err = ch.WebsiteButton(acct, parley.ButtonOptions{AppID: " 42 ", Color: "white", Size: "x-large"})
	if err != nil {
		t.Fatal(err)
	}
	names, vals := attrs(t, b.HTML)
	if strings.Join(names, " ") != "messenger_app_id page_id color size" || vals["messenger_app_id"] != "42" ||
		vals["color"] != "white" || vals["size"] != "xlarge" {
		t.Errorf("no ref, app 42, white, x-large: %v %v", names, vals)
	}
	if b.Link != "https://m.me/104329875512345" {
		t.Errorf("link without a ref %q", b.Link)
	}

	noApp := &parley.Account{Type: messenger.Type, PageID: "104329875512345"}
	local := &parley.Account{Type: messenger.Type, TenantID: "t", Name: "n", PageID: parley.LocalPageID("t", "n")}
	for _, tc := range []struct {
		name  string
		acct  *parley.Account
		opts  parley.ButtonOptions
		field string
	}{
		{"a ref that would break out", acct, parley.ButtonOptions{Ref: `x"><script>`}, "ref:"},
		{"a ref with a space", acct, parley.ButtonOptions{Ref: "pricing page"}, "ref:"},
		{"a ref over 250", acct, parley.ButtonOptions{Ref: strings.Repeat("r", 251)}, "ref:"},
		{"no App ID", noApp, parley.ButtonOptions{}, "app_id:"},
		{"an App ID that is not one", acct, parley.ButtonOptions{AppID: `1" x="`}, "app_id:"},
		{"a color Facebook has not", acct, parley.ButtonOptions{Color: "red"}, "color:"},
		{"a size Facebook has not", acct, parley.ButtonOptions{Size: "huge"}, "size:"},
		{"no page id of Facebook's", local, parley.ButtonOptions{AppID: "42"}, "page_id:"},
	} {
		_, err := ch.WebsiteButton(tc.acct, tc.opts)
		if parley.ErrorCode(err) != parley.EINVALID || !strings.HasPrefix(parley.ErrorMessage(err), tc.field) {
			t.Errorf("%s: %v, want EINVALID about %s", tc.name, err, tc.field)
		}
	}
	if b, err := ch.WebsiteButton(acct, parley.ButtonOptions{Ref: "a-zA-Z0-9+/=-.:_"}); err != nil || !strings.Contains(b.HTML, `data-ref="a-zA-Z0-9+/=-.:_"`) {
		t.Errorf("every character Facebook allows: %v", err)
	}
}

// TestValidateAccountAppID: a page's stored App ID must be one.
func TestValidateAccountAppID(t *testing.T) {
	ch := messenger.New(nil)
	a := &parley.Account{Type: messenger.Type, PageID: "1", AccessToken: "t", AppSecret: "s", VerifyToken: "v",
		Settings: map[string]string{messenger.SettingAppID: "1517776481860111"}}
	if err := ch.ValidateAccount(a); err != nil {
		t.Fatalf("a numeric App ID: %v", err)
	}
	a.Settings[messenger.SettingAppID] = "my app"
	if err := ch.ValidateAccount(a); parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("App ID %q: %v, want EINVALID", "my app", err)
	}
}
