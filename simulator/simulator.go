// Package simulator lets anyone play a Messenger customer against a running
// Parley: it posts correctly signed webhooks to Parley's own Facebook
// endpoint and serves a fake Graph API that records what Parley sends back.
// `parley demo` mounts it under /simulator/.
package simulator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// GraphPath is where the fake Graph API is mounted; the simulated page's
// api_base_url is the server's address plus this path.
const GraphPath = "/simulator/graph"

// Simulator is an http.Handler for /simulator/api/ and /simulator/graph/.
type Simulator struct {
	PageID    string
	AppSecret string
	// WebhookURL is Parley's own POST /webhooks/facebook address.
	WebhookURL string
	HTTPClient *http.Client
	Graph      *fakegraph.Server

	mux  *http.ServeMux
	seq  atomic.Int64
	page atomic.Value
}

// New returns a simulator for one page, whose fake Graph API accepts token.
func New(pageID, pageName, token, appSecret string) *Simulator {
	s := &Simulator{PageID: pageID, AppSecret: appSecret, HTTPClient: &http.Client{Timeout: 10 * time.Second}, Graph: fakegraph.New()}
	s.Graph.AddPage(pageID, pageName, token)
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /simulator/api/send", s.send)
	s.mux.HandleFunc("GET /simulator/api/messages", s.messages)
	s.mux.HandleFunc("GET /simulator/api/stream", s.stream)
	s.mux.HandleFunc("GET /simulator/media/sample.png", s.servePhoto)
	s.mux.Handle(GraphPath+"/", http.StripPrefix(GraphPath, s.Graph))
	return s
}

func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

type sendRequest struct {
	PSID       string `json:"psid"`
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Text       string `json:"text"`
	QuickReply string `json:"quick_reply"`
	Postback   *struct {
		Title   string `json:"title"`
		Payload string `json:"payload"`
	} `json:"postback"`
	// Photo sends the simulator's sample picture as an image attachment.
	Photo    bool `json:"photo"`
	Location *struct {
		Lat   float64 `json:"lat"`
		Long  float64 `json:"long"`
		Title string  `json:"title"`
	} `json:"location"`
}

// send plays one customer action: the customer's profile is registered with
// the fake Graph API, then a signed webhook goes to Parley.
func (s *Simulator) send(w http.ResponseWriter, r *http.Request) {
	var req sendRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		httpError(w, http.StatusBadRequest, "malformed JSON body: "+err.Error())
		return
	}
	if !validPSID(req.PSID) {
		httpError(w, http.StatusBadRequest, "psid must be 5 to 32 digits")
		return
	}
	if req.Text == "" && req.Postback == nil && !req.Photo && req.Location == nil {
		httpError(w, http.StatusBadRequest, "text, postback, photo or location required")
		return
	}
	if utf8.RuneCountInString(req.Text) > 2000 {
		httpError(w, http.StatusBadRequest, "text is too long")
		return
	}
	s.Graph.SetProfile(req.PSID, req.FirstName, req.LastName, "")
	cust := fakegraph.Customer{PageID: s.PageID, PSID: req.PSID}
	mid := fmt.Sprintf("m_sim_%d_%d", time.Now().UnixNano(), s.seq.Add(1))
	now := time.Now()
	var item map[string]any
	switch {
	case req.Postback != nil && req.Postback.Payload == "GET_STARTED":
		item = cust.GetStarted(mid, req.Postback.Payload, "", now)
	case req.Postback != nil:
		item = cust.Postback(mid, req.Postback.Title, req.Postback.Payload, now)
	case req.Photo:
		item = cust.Attachment(mid, "image", s.baseURL()+SamplePhotoPath, now)
	case req.Location != nil:
		item = cust.Location(mid, req.Location.Lat, req.Location.Long, req.Location.Title, now)
	case req.QuickReply != "":
		item = cust.QuickReply(mid, req.Text, req.QuickReply, now)
	default:
		item = cust.Text(mid, req.Text, now)
	}
	if err := s.post(r.Context(), fakegraph.Body(s.PageID, item)); err != nil {
		httpError(w, http.StatusBadGateway, err.Error())
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]string{"mid": mid})
}

func (s *Simulator) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("simulator: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", messenger.Sign(body, s.AppSecret))
	resp, err := s.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("simulator: post webhook: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("simulator: webhook answered %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return nil
}

// Reply is something the page sent to the simulated customer.
type Reply struct {
	ID           string       `json:"id"`
	Text         string       `json:"text,omitempty"`
	QuickReplies []QuickReply `json:"quick_replies,omitempty"`
	SenderAction string       `json:"sender_action,omitempty"`
	Time         time.Time    `json:"time"`
}

// QuickReply is a tappable chip under a reply.
type QuickReply struct {
	Title   string `json:"title"`
	Payload string `json:"payload"`
}

func toReply(c fakegraph.SentCall) Reply {
	r := Reply{ID: c.MessageID, Text: c.Text, SenderAction: c.SenderAction, Time: c.Time}
	switch {
	case c.File != nil:
		r.Text = "📎 " + c.File.Name
	case c.AttachmentType == "template":
		r.Text = templateText(c.Body)
	case c.AttachmentType != "":
		r.Text = "📎 " + c.AttachmentType + " " + c.AttachmentURL
	}
	if r.ID == "" {
		r.ID = "action_" + strconv.FormatInt(c.Time.UnixNano(), 10)
	}
	for _, q := range c.QuickReplies {
		r.QuickReplies = append(r.QuickReplies, QuickReply{Title: q.Title, Payload: q.Payload})
	}
	return r
}

func (s *Simulator) messages(w http.ResponseWriter, r *http.Request) {
	psid := r.URL.Query().Get("psid")
	if !validPSID(psid) {
		httpError(w, http.StatusBadRequest, "psid must be 5 to 32 digits")
		return
	}
	out := []Reply{}
	for _, c := range s.Graph.SentTo(psid) {
		out = append(out, toReply(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": out})
}

// stream pushes replies to the simulated customer as they are sent.
func (s *Simulator) stream(w http.ResponseWriter, r *http.Request) {
	psid := r.URL.Query().Get("psid")
	if !validPSID(psid) {
		httpError(w, http.StatusBadRequest, "psid must be 5 to 32 digits")
		return
	}
	calls, cancel := s.Graph.Subscribe(psid)
	defer cancel()
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	_ = rc.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case c := <-calls:
			data, _ := json.Marshal(toReply(c))
			fmt.Fprintf(w, "event: message\ndata: %s\n\n", data)
			if c.MessageID != "" {
				go s.receipts(psid, c.MessageID) // the phone shows it: delivered, then read
			}
		case <-tick.C:
			fmt.Fprint(w, ": ping\n\n")
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

func validPSID(s string) bool {
	if len(s) < 5 || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func httpError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": http.StatusText(status), "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
