package parley

// WebsiteButtoner is a Channel that writes what a business puts on its
// website so that a visitor starts a chat on the platform (Messenger's
// Send to Messenger plugin and m.me link). The button's ref comes back
// with the visitor's first event and is the scenario's $(ref).
type WebsiteButtoner interface {
	WebsiteButton(acct *Account, opts ButtonOptions) (*WebsiteButton, error)
}

// ButtonOptions is what an admin chooses for a website button. Empty
// fields take the channel's defaults (AppID: the one stored with the
// account).
type ButtonOptions struct {
	AppID string // the platform's app the plugin runs as (Facebook App ID)
	Ref   string // passed through to the chat as $(ref)
	Color string
	Size  string
}

// WebsiteButton is the HTML to paste into the website's pages and the
// plain link that does the same without a script.
type WebsiteButton struct {
	HTML string
	Link string
}
