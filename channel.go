package parley

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"time"
)

// Channel is one messaging platform as the rest of Parley sees it. Each
// platform has its own package under channel/ implementing it; the
// conversation package drives every platform through this seam alone and
// never imports a channel package. A channel touches neither the store nor
// the bus: it verifies, parses, renders and calls its platform.
type Channel interface {
	Receiver
	Sender
	Checker
	// Type is the account type the channel serves (ChannelFacebook, …).
	Type() string
	// ValidateAccount reports the first missing or invalid field of an
	// account of this type, as an EINVALID *Error naming the field.
	ValidateAccount(a *Account) error
}

// Receiver takes webhook deliveries.
type Receiver interface {
	// Receive verifies a delivery on the raw body before anything else and
	// splits it into events to store. candidates are the accounts the URL
	// may be for (all of the type for a shared URL, one for a per-account
	// URL); every returned event has AccountID, TenantID, Channel,
	// DedupKey, Kind and Payload set. EFORBIDDEN for a bad or missing
	// signature (never revealing the expected value), EINVALID for a
	// malformed body.
	Receive(ctx context.Context, req *WebhookRequest, candidates []*Account) (*Received, error)
	// Decode turns one stored event back into what happened. It is pure:
	// the same stored event always decodes the same way.
	Decode(acct *Account, ev *InboundEvent) (*Incoming, error)
}

// ReplyTokenUser is a Sender that can answer with the single-use reply
// token of the customer's last event (LINE: free, while pushes count
// against the monthly quota). The outbox hands such a channel the
// customer's unused token in Outgoing.ReplyToken; others never see one.
type ReplyTokenUser interface {
	UsesReplyTokens() bool
}

// ChatPacer is a Sender whose platform limits how fast one chat may
// receive messages (Telegram: about one a second, short bursts
// tolerated). The outbox paces each chat's sends to it.
type ChatPacer interface {
	ChatPace() (perSecond, burst int)
}

// AccountPacer is a Sender whose platform documents how many sends a
// second one account (a page, a bot) may make. The outbox paces each
// account's sends to it; other channels get the outbox's default.
type AccountPacer interface {
	AccountPace() (perSecond, burst int)
}

// Sender delivers replies and applies the platform's messaging policy.
type Sender interface {
	// Reach says whether and how the customer can be messaged now.
	Reach(acct *Account, cust *Customer, now time.Time) Reach
	// Send delivers one outgoing message or sender action. Failures are
	// *SendError so the outbox can tell a retry from a final failure.
	Send(ctx context.Context, acct *Account, to *Customer, out *Outgoing) (SendResult, error)
	// Download fetches an inbound attachment's content, at most limit
	// bytes (platforms whose media links expire or need the token).
	Download(ctx context.Context, acct *Account, att *InboundAttachment, limit int64) (*File, error)
	// Profile looks up the customer's name and picture; ENOTFOUND when the
	// platform has no profile call.
	Profile(ctx context.Context, acct *Account, externalID string) (*Profile, error)
}

// Checker tests an account's credentials and webhook registration.
type Checker interface {
	// TestConnection calls the platform's cheapest authenticated call.
	// A network failure is an answer too (Valid false, Credentials false).
	TestConnection(ctx context.Context, acct *Account) (ConnectionResult, error)
	// CheckWebhook checks that the platform still delivers to us,
	// repairing the registration where the platform allows it (called
	// only after TestConnection found the credentials valid).
	CheckWebhook(ctx context.Context, acct *Account) (WebhookStatus, error)
}

// WebhookStatus is what CheckWebhook found.
type WebhookStatus struct {
	Registered bool   // the platform delivers our events
	Repaired   bool   // it did not, and registering again worked
	Reason     string // what is wrong, as the platform said it
}

// WebhookRequest is one webhook delivery as received.
type WebhookRequest struct {
	Method string
	Header http.Header
	Query  url.Values
	Body   []byte
	// URL is the public URL the platform posted to (some platforms sign
	// it or need it echoed).
	URL string
}

// Received is what a delivery carried: the events to store and, for
// platforms that read the answer's body, what to answer with.
type Received struct {
	Events []*InboundEvent
	// Response is the body to answer with (nil: empty 200).
	Response    []byte
	ContentType string
	// Unmatched are the platform ids of accounts the delivery named that
	// no candidate has (an account added a moment ago: look again).
	Unmatched []string
}

// Handshaker is a Receiver whose platform verifies the webhook URL with
// a GET before delivering to it (Facebook's hub.challenge).
type Handshaker interface {
	// Handshake returns the body to answer a verification request with,
	// or EFORBIDDEN.
	Handshake(ctx context.Context, query url.Values, candidates []*Account) (string, error)
}

// Acknowledger is a Receiver whose platform wants to hear that an event
// was handled (Telegram's callback queries stop spinning once answered).
type Acknowledger interface {
	// Acknowledge is called once the event is handled; a failure is
	// logged, never retried.
	Acknowledge(ctx context.Context, acct *Account, in *Incoming) error
}

// WebhookSetter is a Checker whose platform takes our webhook URL through
// its API (Telegram setWebhook, LINE's endpoint, Viber set_webhook).
type WebhookSetter interface {
	SetWebhook(ctx context.Context, acct *Account, url string) error
}

// SettingWebhookURL is the account setting holding the webhook URL Parley
// registered with the platform, which the health check expects (and puts
// back where the platform lets it).
const SettingWebhookURL = "webhook_url"

// SecretSetting reports whether an account setting is a secret: never
// shown after saving, kept when a form sends it back empty.
func SecretSetting(key string) bool {
	switch key {
	case "private_key", "api_secret", "signature_secret":
		return true
	}
	return false
}

// AccountNormalizer is a Channel that fills what an account's other fields
// say (Telegram: the bot id is the token's prefix) before it is validated
// and saved.
type AccountNormalizer interface {
	NormalizeAccount(a *Account)
}

// ChoiceNumberer is a Sender that shows some or all of a reply's choices
// as a numbered list where its platform has no buttons for them, so a
// customer's bare number answers the last message's choices.
type ChoiceNumberer interface {
	// NumberedChoices lists the choices of r the channel shows numbered,
	// in their numbering order (the first is "1"); none when it shows
	// them all as buttons.
	NumberedChoices(acct *Account, r Reply) []Choice
}

// Inbound kinds: what a stored platform event means for a chat.
const (
	InMessage   = "message"   // a customer's message: text, media, location, sticker, quick reply
	InPostback  = "postback"  // a button tap
	InEntry     = "entry"     // opt-in, referral, follow, conversation started
	InDelivered = "delivered" // delivery receipt of our messages
	InRead      = "read"      // read receipt of our messages
	InEcho      = "echo"      // a message someone else sent as the business
	InLeft      = "left"      // the customer unfollowed, blocked or unsubscribed
	InIgnored   = "ignored"   // kept in the inbound log only
)

// Incoming is one platform event in Parley's terms.
type Incoming struct {
	Kind string
	// CustomerID is the platform's id of the customer (PSID, LINE user id,
	// Telegram chat id, …); empty when the event has none.
	CustomerID string
	// MessageID is the platform's id of the message, unique per account.
	MessageID string
	At        time.Time
	Text      string
	// Payload is a quick reply's or postback's payload.
	Payload     string
	QuickReply  bool
	Sticker     *InboundSticker
	Location    *InboundLocation
	Attachments []InboundAttachment
	Entry       *InboundEntry
	Receipt     *InboundReceipt
	// Metadata is what we attached to our own send (echoes carry it).
	Metadata string
	// Profile is the customer's name when the event carries it.
	Profile *Profile
	// ReplyToken lets the next reply be free (LINE), until ReplyBefore.
	ReplyToken  string
	ReplyBefore time.Time
}

// InboundSticker is a sticker; Like is Messenger's thumbs-up.
type InboundSticker struct {
	ID   string
	Like bool
}

// InboundLocation is a shared location.
type InboundLocation struct {
	Lat, Long float64
	Title     string
}

// InboundAttachment is a media file or link the customer sent.
type InboundAttachment struct {
	Type string // image, video, audio, file, or the platform's word
	URL  string
	Name string
	// MediaID is the platform's id for media fetched through its content
	// API (LINE message id, Telegram file_id).
	MediaID     string
	ContentType string
}

// InboundEntry is how the customer arrived: an opt-in, a referral link
// or ad, a follow, a started conversation.
type InboundEntry struct {
	Kind   string // optin, referral, follow, started
	Ref    string // the ref the link or button carried
	Source string
	Type   string
	AdID   string
	Text   string // how the transcript says it
	// Vars are answers the customer gave on the way in (a web chat's
	// pre-chat form): they become scenario variables, $(email).
	Vars map[string]string
}

// InboundReceipt raises our messages to delivered or read: those with the
// ids, and those sent up to Watermark (when not zero).
type InboundReceipt struct {
	MessageIDs []string
	Watermark  time.Time
}

// Profile is what a platform says about a customer.
type Profile struct {
	FirstName  string
	LastName   string
	PictureURL string
}

// Reach states.
const (
	ReachOpen       = "open"        // anyone may send
	ReachHumanAgent = "human_agent" // only a human agent may send
	ReachClosed     = "closed"      // nobody may send until the customer writes
)

// Reach says whether and how a customer can be messaged now.
type Reach struct {
	State string `json:"state"`
	// ExpiresAt is when the current state ends (a window closes).
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// LastCustomerMessage opens the windows.
	LastCustomerMessage time.Time `json:"last_customer_message,omitzero"`
	Reason              string    `json:"reason,omitempty"`
}

// Allows reports whether a message by sender may go now.
func (r Reach) Allows(sender string) bool {
	switch r.State {
	case ReachOpen:
		return true
	case ReachHumanAgent:
		return sender == SenderAgent
	}
	return false
}

// Sender actions a channel may show the customer.
const (
	ActionTypingOn  = "typing_on"
	ActionTypingOff = "typing_off"
	ActionMarkSeen  = "mark_seen"
)

// Outgoing is one message (or sender action) for a channel to deliver:
// the reply model rendered per platform.
type Outgoing struct {
	// MessageID is our id of the message: echoes, idempotency keys.
	MessageID string
	Sender    string // SenderAgent, SenderBot, …
	// Action, when set, is a sender action instead of a message.
	Action string
	// Reach is the customer's reach as the outbox saw it just before
	// sending (the channel's own Reach, with the outbox's clock).
	Reach Reach
	// ReplyToken, when set, is the customer's unused reply token
	// (Incoming.ReplyToken, still valid): a channel that has them may
	// answer with it for free (LINE) instead of pushing. Taken once.
	ReplyToken string
	Reply
	// File is an attachment's content when it is stored by Parley
	// (uploaded rather than linked).
	File *File
}

// Reply is the one reply model: what scenarios, agents and canned
// responses send, whatever the channel. Each channel renders what its
// platform can show and falls back to numbered text for the rest.
type Reply struct {
	Text         string            `json:"text,omitempty"`
	QuickReplies []QuickReply      `json:"quick_replies,omitempty"`
	Buttons      []Button          `json:"buttons,omitempty"`
	Cards        []Card            `json:"elements,omitempty"`
	Attachments  []ReplyAttachment `json:"attachments,omitempty"`
}

// QuickReply is a suggested answer; Payload defaults to Title.
type QuickReply struct {
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
}

// Button types.
const (
	ButtonPostback = "postback"
	ButtonURL      = "web_url"
)

// Button is a postback or link button.
type Button struct {
	Type    string `json:"type,omitempty"`
	Title   string `json:"title"`
	Payload string `json:"payload,omitempty"`
	URL     string `json:"url,omitempty"`
}

// Card is one card of a carousel.
type Card struct {
	Title    string   `json:"title"`
	Subtitle string   `json:"subtitle,omitempty"`
	ImageURL string   `json:"image_url,omitempty"`
	Buttons  []Button `json:"buttons,omitempty"`
}

// ReplyAttachment is a file sent by link or from Parley's file store.
type ReplyAttachment struct {
	Type        string `json:"type"`
	URL         string `json:"url"`
	FileID      string `json:"file_id,omitempty"`
	Name        string `json:"name,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
}

// SendResult is a platform's answer to a successful send.
type SendResult struct {
	ExternalID string // the platform's message id, if it gives one
}

// Send failure classes.
const (
	SendRetry       = "retry"       // try again later (rate limit, 5xx, network)
	SendCredentials = "credentials" // the account's token or key is not valid
	SendUnreachable = "unreachable" // the customer can't receive messages (blocked, left)
	SendOutside     = "outside"     // outside the platform's messaging window
	SendRefused     = "refused"     // refused before sending: nothing left
	SendPermanent   = "permanent"   // anything else final
)

// SendError is a failed send, classified by the channel.
type SendError struct {
	Class      string
	Message    string        // the platform's reason, safe to show
	RetryAfter time.Duration // how long the platform asked us to wait
	Err        error
}

func (e *SendError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return e.Message
}

func (e *SendError) Unwrap() error { return e.Err }

// ConnectionResult is the answer of Test Connection.
type ConnectionResult struct {
	Valid bool `json:"valid"`
	// Credentials reports the failure is about the token or key (and not,
	// say, the network), so the account should turn red.
	Credentials bool   `json:"-"`
	ID          string `json:"page_id,omitempty"`
	Name        string `json:"page_name,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

// Channels is the registry of channels by account type.
type Channels struct {
	byType map[string]Channel
}

// NewChannels registers channels; a later one replaces an earlier one of
// the same type.
func NewChannels(cs ...Channel) *Channels {
	r := &Channels{byType: map[string]Channel{}}
	for _, c := range cs {
		r.byType[c.Type()] = c
	}
	return r
}

// Get returns the channel of an account type; EINVALID if none serves it.
func (r *Channels) Get(typ string) (Channel, error) {
	if c, ok := r.byType[typ]; ok {
		return c, nil
	}
	return nil, Errorf(EINVALID, "unsupported account type %q", typ)
}

// Types lists the registered account types in order.
func (r *Channels) Types() []string {
	out := make([]string, 0, len(r.byType))
	for t := range r.byType {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}
