package messenger

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template"

	"github.com/parleycc/parley"
)

// SettingAppID is the account setting holding the Facebook App ID, which
// the Send to Messenger plugin runs as.
const SettingAppID = "app_id"

var (
	// appIDForm is a Facebook App ID: digits.
	appIDForm = regexp.MustCompile(`^[0-9]{1,32}$`)
	// refForm is what the plugin's data-ref may hold: up to 250 of
	// a-z A-Z 0-9 + / = - . : _
	refForm = regexp.MustCompile(`^[A-Za-z0-9+/=\-.:_]{0,250}$`)
)

// Button colors and sizes of the Send to Messenger plugin.
var (
	buttonColors = []string{"blue", "white"}
	buttonSizes  = []string{"standard", "large", "xlarge"}
)

// WebsiteButton writes the Send to Messenger plugin for the account's
// page (the Facebook SDK loader and the plugin's div) and the m.me link
// that opens the same conversation without the SDK. A click on either
// reaches Parley with the ref (messaging_optins, or a referral for the
// link), which the chat's scenario reads as $(ref).
func (c *Channel) WebsiteButton(a *parley.Account, o parley.ButtonOptions) (*parley.WebsiteButton, error) {
	appID := strings.TrimSpace(o.AppID)
	if appID == "" {
		appID = a.Setting(SettingAppID)
	}
	color, size := strings.TrimSpace(o.Color), strings.ReplaceAll(strings.TrimSpace(o.Size), "x-large", "xlarge")
	if color == "" {
		color = "blue"
	}
	if size == "" {
		size = "large"
	}
	switch {
	case !a.HasPlatformID():
		return nil, parley.Errorf(parley.EINVALID, "page_id: the account needs its Facebook page id")
	case appID == "":
		return nil, parley.Errorf(parley.EINVALID, "app_id: required: the Facebook App ID the button runs as (App Dashboard → Settings → Basic)")
	case !appIDForm.MatchString(appID):
		return nil, parley.Errorf(parley.EINVALID, "app_id: a Facebook App ID is digits")
	case !refForm.MatchString(o.Ref):
		return nil, parley.Errorf(parley.EINVALID, "ref: up to 250 letters, digits and + / = - . : _ (Facebook's rule for data-ref)")
	case !slices.Contains(buttonColors, color):
		return nil, parley.Errorf(parley.EINVALID, "color: one of %s", strings.Join(buttonColors, ", "))
	case !slices.Contains(buttonSizes, size):
		return nil, parley.Errorf(parley.EINVALID, "size: one of %s", strings.Join(buttonSizes, ", "))
	}
	return &parley.WebsiteButton{
		HTML: SendToMessengerHTML(appID, a.PageID, o.Ref, color, size),
		Link: MessengerLink(a.PageID, o.Ref),
	}, nil
}

// sendToMessenger is the snippet of Facebook's customer-service blueprint.
// Every value is escaped for where it stands: js in a script's string,
// attr in a quoted attribute. (html/template would drop the comments.)
var sendToMessenger = template.Must(template.New("send-to-messenger").Funcs(template.FuncMap{
	"js": template.JSEscapeString, "attr": html.EscapeString,
}).Parse(`<!-- Facebook's JavaScript SDK: once per page. Your site's domain must be
     in the page's whitelisted domains. -->
<script>
  window.fbAsyncInit = function () {
    FB.init({ appId: "{{js .AppID}}", xfbml: true, version: "{{js .Version}}" });
    FB.Event.subscribe("send_to_messenger", function (e) {
      // e.event is "clicked" once the visitor has clicked: tell them we
      // are writing to them in Messenger.
    });
  };
</script>
<script async defer crossorigin="anonymous" src="https://connect.facebook.net/en_US/sdk.js"></script>

<!-- The Send to Messenger button -->
<div class="fb-send-to-messenger"
  messenger_app_id="{{attr .AppID}}"
  page_id="{{attr .PageID}}"
{{- if .Ref}}
  data-ref="{{attr .Ref}}"
{{- end}}
  color="{{attr .Color}}"
  size="{{attr .Size}}"></div>
`))

// SendToMessengerHTML is the Send to Messenger plugin as a website embeds
// it: the SDK loader and the button's div, every value escaped.
func SendToMessengerHTML(appID, pageID, ref, color, size string) string {
	var b strings.Builder
	data := struct{ AppID, PageID, Ref, Color, Size, Version string }{appID, pageID, ref, color, size, GraphVersion}
	if err := sendToMessenger.Execute(&b, data); err != nil {
		panic(err) // a fixed template over strings cannot fail
	}
	return b.String()
}

// MessengerLink is the m.me link to the page, carrying ref.
func MessengerLink(pageID, ref string) string {
	u := "https://m.me/" + url.PathEscape(pageID)
	if ref != "" {
		u += "?ref=" + url.QueryEscape(ref)
	}
	return u
}
