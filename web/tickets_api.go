package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// ticketRoutes adds tickets: the webview form customers file them with
// (a signed link, no login) and the API agents and supervisors work them
// through, and the Tickets page (web/tickets_webview.go for the form).
func (s *Server) ticketRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /tickets", s.withPageUser(s.ticketsPage))
	mux.HandleFunc("GET /webview/ticket/{token}", s.ticketFormPage)
	mux.HandleFunc("POST /webview/ticket/{token}", s.submitTicketForm)
	mux.HandleFunc("GET /api/tickets", s.withUser(s.listTickets))
	mux.HandleFunc("GET /api/tickets/{id}", s.withUser(s.getTicket))
	mux.HandleFunc("PATCH /api/tickets/{id}", s.withUser(s.patchTicket))
	mux.HandleFunc("POST /api/tickets/{id}/notes", s.withUser(s.addTicketNote))
}

// ticketsPage is where agents, supervisors and admins work tickets
// (templates/tickets.html, static/tickets.js).
func (s *Server) ticketsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, "tickets", "Tickets")
}

type ticketJSON struct {
	ID          string            `json:"id"`
	Number      int64             `json:"number"`
	ServiceID   string            `json:"service_id"`
	ServiceName string            `json:"service_name"`
	ChatID      string            `json:"chat_id"`
	CustomerID  string            `json:"customer_id"`
	Customer    string            `json:"customer_name"`
	Subject     string            `json:"subject"`
	Description string            `json:"description"`
	Fields      map[string]string `json:"fields"`
	Status      string            `json:"status"`
	AssigneeID  string            `json:"assignee_id"`
	Assignee    string            `json:"assignee_name"`
	FollowUp    string            `json:"follow_up"`
	CreatedAt   time.Time         `json:"created_at"`
	UpdatedAt   time.Time         `json:"updated_at"`
	Version     int               `json:"version"`
}

// ticketDetailJSON is one ticket as its GET answers it: with its fields
// labelled, in the order its service declares them.
type ticketDetailJSON struct {
	ticketJSON
	FieldList []conversation.TicketFieldValue `json:"field_list"`
}

// ticketView is a ticket as the API answers it, with the names of its
// customer, service and assignee (n) for people to read.
func ticketView(t *parley.Ticket, n conversation.TicketNames) ticketJSON {
	f := t.Fields
	if f == nil {
		f = map[string]string{}
	}
	return ticketJSON{ID: t.ID, Number: t.Number, ServiceID: t.ServiceID, ServiceName: n.Services[t.ServiceID], ChatID: t.ChatID,
		CustomerID: t.CustomerID, Customer: n.Customers[t.CustomerID],
		Subject: t.Subject, Description: t.Description, Fields: f, Status: t.Status, AssigneeID: t.AssigneeID, Assignee: n.Users[t.AssigneeID],
		FollowUp: t.FollowUp, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, Version: t.Version}
}

type ticketEntryJSON struct {
	ID        int64     `json:"id"`
	Kind      string    `json:"kind"`
	AuthorID  string    `json:"author_id"`
	Author    string    `json:"author_name"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	FromName  string    `json:"from_name,omitempty"`
	ToName    string    `json:"to_name,omitempty"`
	Text      string    `json:"text"`
	MessageID string    `json:"message_id"`
	At        time.Time `json:"at"`
}

// ticketEntryView is a history entry with its author's name; an
// assignee change names the people in from_name and to_name.
func ticketEntryView(e *parley.TicketEntry, n conversation.TicketNames) ticketEntryJSON {
	v := ticketEntryJSON{ID: e.ID, Kind: e.Kind, AuthorID: e.AuthorID, Author: n.Users[e.AuthorID], From: e.From, To: e.To,
		Text: e.Text, MessageID: e.MessageID, At: e.At}
	if e.Kind == parley.TicketEntryAssignee {
		v.FromName, v.ToName = n.Users[e.From], n.Users[e.To]
	}
	return v
}

func (s *Server) listTickets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := parley.TicketFilter{AssigneeID: q.Get("assignee"), CustomerID: q.Get("customer"), ChatID: q.Get("chat")}
	if st := q.Get("status"); st != "" {
		f.Statuses = strings.Split(st, ",")
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || (p.name == "limit" && n > 200) {
				s.writeError(w, r, parley.Errorf(parley.EINVALID, "%s: a whole number (limit at most 200)", p.name))
				return
			}
			*p.dst = n
		}
	}
	if v := strings.TrimPrefix(q.Get("number"), "#"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			s.writeError(w, r, parley.Errorf(parley.EINVALID, "number: a case number"))
			return
		}
		f.Number = n
	}
	list, total, err := s.Conversations.Tickets(r.Context(), userFrom(r.Context()), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := s.Conversations.TicketNames(r.Context(), userFrom(r.Context()).TenantID, list, nil)
	out := make([]ticketJSON, len(list))
	for i, t := range list {
		out[i] = ticketView(t, names)
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": out, "total": total})
}

func (s *Server) getTicket(w http.ResponseWriter, r *http.Request) {
	t, hist, err := s.Conversations.Ticket(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	names := s.Conversations.TicketNames(r.Context(), t.TenantID, []*parley.Ticket{t}, hist)
	entries := make([]ticketEntryJSON, len(hist))
	for i, e := range hist {
		entries[i] = ticketEntryView(e, names)
	}
	fields, err := s.Conversations.TicketFieldList(r.Context(), t)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": ticketDetailJSON{ticketView(t, names), fields}, "history": entries})
}

func (s *Server) patchTicket(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Version    int     `json:"version"`
		Status     *string `json:"status"`
		AssigneeID *string `json:"assignee_id"`
		Message    string  `json:"message"`
	}
	if !s.readJSON(w, r, &body) {
		return
	}
	t, err := s.Conversations.UpdateTicket(r.Context(), userFrom(r.Context()), r.PathValue("id"), conversation.TicketChange{
		Version: body.Version, Status: body.Status, AssigneeID: body.AssigneeID, Message: body.Message})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket": ticketView(t, s.Conversations.TicketNames(r.Context(), t.TenantID, []*parley.Ticket{t}, nil))})
}

func (s *Server) addTicketNote(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	if !s.readJSON(w, r, &body) {
		return
	}
	e, err := s.Conversations.AddTicketNote(r.Context(), userFrom(r.Context()), r.PathValue("id"), body.Text)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, ticketEntryView(e, s.Conversations.TicketNames(r.Context(), userFrom(r.Context()).TenantID, nil, []*parley.TicketEntry{e})))
}
