package fakevonage

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley/channel/vonage"
)

// problemBase is the type URL prefix of Messages API errors.
const problemBase = "https://developer.vonage.com/api-errors/messages#"

// writeProblem answers an RFC 7807 body.
func writeProblem(w http.ResponseWriter, status int, title, detail string, invalid []vonage.InvalidParam) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(vonage.Problem{Type: problemBase + strconv.Itoa(1000+status), Title: title,
		Detail: detail, Instance: newUUID(), InvalidParameters: invalid})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// messages answers POST /v1/messages.
func (s *Server) messages(w http.ResponseWriter, r *http.Request, body []byte) {
	if !s.authorized(r) {
		writeProblem(w, http.StatusUnauthorized, "Unauthorized", "You did not provide correct credentials.", nil)
		return
	}
	if st, ra := s.fault(); st != 0 {
		writeFault(w, st, ra)
		return
	}
	var m outMessage
	if err := json.Unmarshal(body, &m); err != nil {
		writeProblem(w, http.StatusBadRequest, "Invalid JSON", "The request body did not contain valid JSON.", nil)
		return
	}
	if invalid := m.validate(); len(invalid) > 0 {
		writeProblem(w, http.StatusUnprocessableEntity, "Invalid params", "The value of one or more parameters is invalid.", invalid)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"message_uuid": newUUID()})
}

// writeFault answers a throttle or server error.
func writeFault(w http.ResponseWriter, status int, retryAfter time.Duration) {
	if status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
		writeProblem(w, status, "Rate Limit Hit", "Please wait, then retry your request", nil)
		return
	}
	writeProblem(w, status, http.StatusText(status), "The server encountered an error.", nil)
}

// getBalance answers GET /account/get-balance (Basic or query keys).
func (s *Server) getBalance(w http.ResponseWriter, r *http.Request) {
	key, secret, ok := r.BasicAuth()
	if !ok {
		key, secret = r.URL.Query().Get("api_key"), r.URL.Query().Get("api_secret")
	}
	s.mu.Lock()
	want, known := s.secrets[key]
	bal := s.balance
	s.mu.Unlock()
	if !known || secret != want || secret == "" {
		writeProblem(w, http.StatusUnauthorized, "Unauthorized", "You did not provide correct credentials.", nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": bal, "autoReload": false})
}

// outMessage is the part of a send body the fake validates.
type outMessage struct {
	MessageType string          `json:"message_type"`
	Channel     string          `json:"channel"`
	To          string          `json:"to"`
	From        string          `json:"from"`
	Text        string          `json:"text"`
	Image       json.RawMessage `json:"image"`
	File        json.RawMessage `json:"file"`
	Video       json.RawMessage `json:"video"`
	Audio       json.RawMessage `json:"audio"`
	ClientRef   string          `json:"client_ref"`
}

// validate lists the invalid parameters like the Messages API does.
func (m *outMessage) validate() []vonage.InvalidParam {
	var bad []vonage.InvalidParam
	add := func(name, reason string) { bad = append(bad, vonage.InvalidParam{Name: name, Reason: reason}) }
	limits := map[string]int{vonage.RouteMessenger: vonage.MaxTextMessenger, vonage.RouteViber: vonage.MaxTextViber,
		vonage.RouteSMS: vonage.MaxTextSMS, vonage.RouteWhatsApp: vonage.MaxTextWhatsApp}
	limit, known := limits[m.Channel]
	switch {
	case !known:
		add("channel", "must be one of sms, whatsapp, messenger, viber_service")
	case m.To == "" || len(m.To) > 50:
		add("to", "is required and at most 50 characters")
	case m.From == "" || len(m.From) > 50:
		add("from", "is required and at most 50 characters")
	case len(m.ClientRef) > 100:
		add("client_ref", "at most 100 characters")
	}
	switch m.MessageType {
	case "text":
		if m.Text == "" || utf8.RuneCountInString(m.Text) > limit {
			add("text", "is required and at most "+strconv.Itoa(limit)+" characters")
		}
	case "image", "file", "video", "audio":
		if m.Channel == vonage.RouteSMS {
			add("message_type", "not supported on sms")
		}
	default:
		add("message_type", "is not a supported message type")
	}
	return bad
}
