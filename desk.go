package parley

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// The Agent Desktop's own data (issue 10): canned responses, a service's
// wrap-up and screen-pop settings, the wrap-up of each chat and the
// contact fields of a customer.

// Canned response scopes.
const (
	CannedGlobal   = "global"   // every agent of the tenant
	CannedService  = "service"  // the members of one service (a campaign's list)
	CannedPersonal = "personal" // one agent only
)

// Event type of a chat's wrap-up (disposition and notes) being saved.
const EventChatWrapUp = "chat.wrapup"

// CannedResponse is a prepared answer an agent inserts into the composer
// by its shortcut. Text may hold $(variables), filled for the chat it is
// inserted into.
type CannedResponse struct {
	ID           string             `json:"id"`
	TenantID     string             `json:"-"`
	Scope        string             `json:"scope"`
	ServiceID    string             `json:"service_id,omitempty"` // CannedService
	OwnerID      string             `json:"owner_id,omitempty"`   // CannedPersonal
	Title        string             `json:"title"`
	Shortcut     string             `json:"shortcut"` // without the leading "/"
	Text         string             `json:"text"`
	Attachments  []CannedAttachment `json:"attachments,omitempty"`
	QuickReplies []string           `json:"quick_replies,omitempty"`
	Buttons      []CannedButton     `json:"buttons,omitempty"`
	// FromConfig marks the responses parley.yaml declares: applying the
	// file replaces them, and the browser cannot edit them.
	FromConfig bool      `json:"from_config,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// CannedAttachment is a file sent with a canned response, by URL.
type CannedAttachment struct {
	Type string `json:"type"` // image, video, audio or file
	URL  string `json:"url"`
	Name string `json:"name,omitempty"`
}

// CannedButton is a button sent with a canned response: a link (URL) or a
// postback (Payload).
type CannedButton struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	Payload string `json:"payload,omitempty"`
}

var shortcutRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// VarRefs returns the names of the $(variables) in s, in order, each once.
func VarRefs(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range varRefRE.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

var varRefRE = regexp.MustCompile(`\$\(([A-Za-z_][A-Za-z0-9_.]*)\)`)

// Validate checks the response's own fields (not whether its variables
// exist: see conversation). The shortcut is stored lower case without "/".
func (c *CannedResponse) Validate() error {
	c.Shortcut = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Shortcut), "/"))
	c.Title, c.Text = strings.TrimSpace(c.Title), strings.TrimSpace(c.Text)
	switch {
	case c.Scope != CannedGlobal && c.Scope != CannedService && c.Scope != CannedPersonal:
		return Errorf(EINVALID, "scope must be global, service or personal")
	case c.Scope == CannedService && c.ServiceID == "":
		return Errorf(EINVALID, "a service's canned response needs its service")
	case c.Scope == CannedPersonal && c.OwnerID == "":
		return Errorf(EINVALID, "a personal canned response needs its owner")
	case c.Title == "" || utf8.RuneCountInString(c.Title) > 80:
		return Errorf(EINVALID, "title must be 1 to 80 characters")
	case !shortcutRE.MatchString(c.Shortcut):
		return Errorf(EINVALID, "shortcut %q must be 1 to 32 lower-case letters, digits, - or _", c.Shortcut)
	case c.Text == "" && len(c.Attachments) == 0:
		return Errorf(EINVALID, "text is empty")
	case utf8.RuneCountInString(c.Text) >= 2000:
		return Errorf(EINVALID, "text is too long: Messenger takes fewer than 2000 characters")
	case len(c.Attachments) > 5:
		return Errorf(EINVALID, "at most 5 attachments")
	case len(c.QuickReplies) > 13:
		return Errorf(EINVALID, "at most 13 quick replies")
	case len(c.Buttons) > 3:
		return Errorf(EINVALID, "at most 3 buttons")
	case len(c.Buttons) > 0 && len(c.QuickReplies) > 0:
		return Errorf(EINVALID, "a canned response has quick replies or buttons, not both")
	}
	for i, a := range c.Attachments {
		switch a.Type {
		case "image", "video", "audio", "file":
		default:
			return Errorf(EINVALID, "attachment %d: type must be image, video, audio or file", i+1)
		}
		if !HTTPURL(a.URL) {
			return Errorf(EINVALID, "attachment %d: url must be an http:// or https:// URL", i+1)
		}
	}
	for i, q := range c.QuickReplies {
		if q = strings.TrimSpace(q); q == "" || utf8.RuneCountInString(q) > 20 {
			return Errorf(EINVALID, "quick reply %d: title must be 1 to 20 characters", i+1)
		}
		c.QuickReplies[i] = q
	}
	for i, b := range c.Buttons {
		switch {
		case strings.TrimSpace(b.Title) == "" || utf8.RuneCountInString(b.Title) > 20:
			return Errorf(EINVALID, "button %d: title must be 1 to 20 characters", i+1)
		case (b.URL == "") == (b.Payload == ""):
			return Errorf(EINVALID, "button %d: give either a url or a payload", i+1)
		case b.URL != "" && !HTTPURL(b.URL):
			return Errorf(EINVALID, "button %d: url must be an http:// or https:// URL", i+1)
		}
	}
	return nil
}

// CheckVariables names the first $(variable) of the response (text,
// button URLs and payloads, attachment URLs) that known does not hold.
func (c *CannedResponse) CheckVariables(known map[string]bool) error {
	texts := []string{c.Text}
	for _, b := range c.Buttons {
		texts = append(texts, b.URL, b.Payload)
	}
	for _, a := range c.Attachments {
		texts = append(texts, a.URL)
	}
	for _, t := range texts {
		for _, v := range VarRefs(t) {
			if !known[v] {
				return Errorf(EINVALID, "unknown variable $(%s): use a customer field such as $(first_name), $(email) or $(agent_name), or a variable your scenarios set", v)
			}
		}
	}
	return nil
}

// HTTPURL reports whether s is an absolute http or https URL with a host.
func HTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Screen pop modes.
const (
	ScreenPopPanel = "panel" // an iframe in the desktop's side panel
	ScreenPopTab   = "tab"   // a new browser tab
)

// ServiceDesk is a service's desktop settings: its dispositions (and
// whether closing a chat needs one) and its screen pop.
type ServiceDesk struct {
	Dispositions        []string `json:"dispositions"`
	DispositionRequired bool     `json:"disposition_required"`
	// ScreenPopURL is an http(s) URL template with $(variables), each
	// filled URL-encoded from the chat; empty: no screen pop.
	ScreenPopURL  string `json:"screen_pop_url,omitempty"`
	ScreenPopMode string `json:"screen_pop_mode,omitempty"` // panel (default) or tab
}

// Validate reports the first invalid field.
func (d *ServiceDesk) Validate() error {
	seen := map[string]bool{}
	for i, name := range d.Dispositions {
		name = strings.TrimSpace(name)
		switch {
		case name == "" || utf8.RuneCountInString(name) > 60:
			return Errorf(EINVALID, "disposition %d must be 1 to 60 characters", i+1)
		case seen[name]:
			return Errorf(EINVALID, "disposition %q is listed twice", name)
		}
		seen[name] = true
		d.Dispositions[i] = name
	}
	if d.DispositionRequired && len(d.Dispositions) == 0 {
		return Errorf(EINVALID, "a disposition is required but none is listed")
	}
	if err := ValidateScreenPopURL(d.ScreenPopURL); err != nil {
		return err
	}
	switch d.ScreenPopMode {
	case "", ScreenPopPanel, ScreenPopTab:
	default:
		return Errorf(EINVALID, "screen pop mode must be panel or tab")
	}
	return nil
}

// ValidateScreenPopURL accepts an empty template or an http(s) one.
func ValidateScreenPopURL(tmpl string) error {
	if tmpl == "" {
		return nil
	}
	// Variables may stand anywhere but in the scheme and host.
	if !HTTPURL(varRefRE.ReplaceAllString(tmpl, "x")) || strings.Contains(strings.SplitN(tmpl, "/", 4)[2], "$(") {
		return Errorf(EINVALID, "screen pop URL %q must be an http:// or https:// URL with a fixed host", tmpl)
	}
	return nil
}

// WrapUp is what an agent records about a chat: a disposition from its
// service's list and free-text notes.
type WrapUp struct {
	ChatID      string    `json:"chat_id"`
	TenantID    string    `json:"-"`
	CustomerID  string    `json:"-"`
	Disposition string    `json:"disposition"`
	Notes       string    `json:"notes"`
	AgentID     string    `json:"agent_id,omitempty"` // who saved it last
	UpdatedAt   time.Time `json:"updated_at"`
}

// CustomerContact is what agents record about a customer: email, phone
// and free fields.
type CustomerContact struct {
	CustomerID string            `json:"customer_id"`
	TenantID   string            `json:"-"`
	Email      string            `json:"email"`
	Phone      string            `json:"phone"`
	Fields     map[string]string `json:"fields"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// DeskStore keeps the Agent Desktop's data.
type DeskStore interface {
	// CannedResponses lists a tenant's global and service responses and
	// ownerID's personal ones (none when ownerID is empty), by shortcut.
	CannedResponses(ctx context.Context, tenantID, ownerID string) ([]*CannedResponse, error)
	CannedResponse(ctx context.Context, id string) (*CannedResponse, error)
	// SaveCannedResponse creates (empty ID) or updates the response.
	// ECONFLICT if its shortcut is taken in the same list (scope, service,
	// owner).
	SaveCannedResponse(ctx context.Context, c *CannedResponse) error
	DeleteCannedResponse(ctx context.Context, id string) error
	// ReplaceConfigCanned replaces the tenant's FromConfig responses by
	// list in one transaction.
	ReplaceConfigCanned(ctx context.Context, tenantID string, list []*CannedResponse) error

	// ServiceDesk returns a service's settings (zero if never set).
	ServiceDesk(ctx context.Context, serviceID string) (ServiceDesk, error)
	SetServiceDesk(ctx context.Context, serviceID string, d ServiceDesk) error

	// WrapUps returns the wrap-ups of the chats that have one.
	WrapUps(ctx context.Context, chatIDs []string) (map[string]*WrapUp, error)
	// SaveWrapUp stores w and, in the same transaction, appends e to the
	// event log and, when fact is not nil (a disposition was set), adds it
	// to the chat's timeline (chat_facts). It sets e.ID.
	SaveWrapUp(ctx context.Context, w *WrapUp, fact *Fact, e *Event) error

	// CustomerContact returns the customer's contact fields (zero if none).
	CustomerContact(ctx context.Context, customerID string) (*CustomerContact, error)
	SaveCustomerContact(ctx context.Context, c *CustomerContact) error
}
