package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"
)

// sendRequest is one customer action, as the page posts it.
type sendRequest struct {
	// Channel is messenger (the default), telegram, line, viber or vonage.
	Channel string `json:"channel"`
	// User is the customer's platform id; PSID is its Messenger name.
	User       string    `json:"user"`
	PSID       string    `json:"psid"`
	FirstName  string    `json:"first_name"`
	LastName   string    `json:"last_name"`
	Text       string    `json:"text"`
	QuickReply string    `json:"quick_reply"`
	Postback   *Postback `json:"postback"`
	// MessageID is the message a Telegram inline button was on.
	MessageID string `json:"message_id"`
	// Photo sends the simulator's sample picture.
	Photo    bool      `json:"photo"`
	Location *Location `json:"location"`
	// Optin is a click on a website's Send to Messenger button (Messenger
	// only).
	Optin *Optin `json:"optin"`
}

// Optin is a Send to Messenger click: Ref is the button's data-ref.
type Optin struct {
	Ref string `json:"ref"`
}

// Postback is a button tap: Messenger's postback, Telegram's callback
// data, LINE's postback data, Viber's ActionBody.
type Postback struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

// Location is a shared place.
type Location struct {
	Lat   float64 `json:"lat"`
	Long  float64 `json:"long"`
	Title string  `json:"title"`
}

// name is the customer's full name.
func (r *sendRequest) name() string {
	if r.LastName == "" {
		return r.FirstName
	}
	return r.FirstName + " " + r.LastName
}

// readSend decodes and checks a send request.
func (s *Simulator) readSend(w http.ResponseWriter, r *http.Request) (*sendRequest, channel, error) {
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		return nil, nil, fmt.Errorf("malformed JSON body: %w", err)
	}
	ch, err := s.customer(req.Channel, &req.User, req.PSID)
	if err != nil {
		return nil, nil, err
	}
	req.PSID = req.User
	_, onMessenger := ch.(*messengerSim)
	switch {
	case req.Optin != nil && !onMessenger:
		return nil, nil, errors.New("an opt-in is a click on Messenger's Send to Messenger button: channel messenger only")
	case req.Optin != nil && utf8.RuneCountInString(req.Optin.Ref) > 250:
		return nil, nil, errors.New("optin ref is longer than 250 characters")
	case req.Text == "" && req.Postback == nil && !req.Photo && req.Location == nil && req.Optin == nil:
		return nil, nil, errors.New("text, postback, photo, location or optin required")
	case utf8.RuneCountInString(req.Text) > 2000:
		return nil, nil, errors.New("text is too long")
	case req.Postback != nil && (req.Postback.Payload == "" || len(req.Postback.Payload) > 1000):
		return nil, nil, errors.New("postback payload must be 1 to 1000 bytes")
	}
	return &req, ch, nil
}

// customer resolves the channel and the customer id (user, or the psid
// parameter's value), and checks the id's form.
func (s *Simulator) customer(name string, user *string, psid string) (channel, error) {
	if name == "" {
		name = Messenger
	}
	ch, ok := s.channels[name]
	if !ok {
		return nil, fmt.Errorf("unknown channel %q", name)
	}
	if *user == "" {
		*user = psid
	}
	if !ch.validUser(*user) {
		if name == Messenger {
			return nil, errors.New("psid must be 5 to 32 digits")
		}
		return nil, fmt.Errorf("not a %s customer id", name)
	}
	return ch, nil
}

// send plays one customer action: a webhook signed the platform's way
// goes to Parley.
func (s *Simulator) send(w http.ResponseWriter, r *http.Request) {
	req, ch, err := s.readSend(w, r)
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	id, err := ch.deliver(r.Context(), req)
	switch {
	case errors.Is(err, errUnsupported):
		httpError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		httpError(w, http.StatusBadGateway, err.Error())
	default:
		writeJSON(w, http.StatusAccepted, map[string]string{"mid": id})
	}
}

// query reads the channel and customer of a GET.
func (s *Simulator) query(w http.ResponseWriter, r *http.Request) (channel, string, bool) {
	q := r.URL.Query()
	user := q.Get("user")
	ch, err := s.customer(q.Get("channel"), &user, q.Get("psid"))
	if err != nil {
		httpError(w, http.StatusBadRequest, err.Error())
		return nil, "", false
	}
	return ch, user, true
}

func (s *Simulator) messages(w http.ResponseWriter, r *http.Request) {
	ch, user, ok := s.query(w, r)
	if !ok {
		return
	}
	out := ch.replies(user)
	if out == nil {
		out = []Reply{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// pollEvery is how often a stream looks for new replies.
const pollEvery = 250 * time.Millisecond

// stream pushes replies to the simulated customer as they are sent. The
// fakes are polled. The replies there when the stream opens come first,
// as replay events: a page's fetch of /simulator/api/messages may have
// been answered before a reply that came before the stream opened, so
// the stream cannot leave them to it. Only new replies get receipts.
func (s *Simulator) stream(w http.ResponseWriter, r *http.Request) {
	ch, user, ok := s.query(w, r)
	if !ok {
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	sent := map[string]bool{}
	for _, m := range ch.replies(user) {
		sent[m.ID] = true
		writeEvent(w, "replay", m)
	}
	_ = rc.Flush()
	poll, ping := time.NewTicker(pollEvery), time.NewTicker(15*time.Second)
	defer poll.Stop()
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.closed:
			return
		case <-poll.C:
			s.emitNew(w, ch, user, sent)
		case <-ping.C:
			fmt.Fprint(w, ": ping\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// emitNew writes the replies not sent yet as message events.
func (s *Simulator) emitNew(w http.ResponseWriter, ch channel, user string, sent map[string]bool) {
	for _, m := range ch.replies(user) {
		if sent[m.ID] {
			continue
		}
		sent[m.ID] = true
		writeEvent(w, "message", m)
		if ms, ok := ch.(*messengerSim); ok && m.SenderAction == "" {
			go ms.receipts(user, m.ID) // the phone shows it: delivered, then read
		}
	}
}

// writeEvent writes one reply as a Server-Sent Event of the given type.
func writeEvent(w io.Writer, event string, m Reply) {
	data, _ := json.Marshal(m)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": http.StatusText(status), "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
