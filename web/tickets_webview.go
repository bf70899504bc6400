package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/web/ui"
)

// ticketFormData is what templates/ticket_form.html reads.
type ticketFormData struct {
	Title    string
	User     *ui.PageUser
	Demo     bool
	Problem  string // the link is bad or expired: only this is shown
	Error    string // the form needs fixing
	Customer string
	Service  string
	Subject  string
	Details  string
	Fields   []ticketFormField // the service's extra questions
	Filed    *parley.Ticket    // the case the form filed
	// CloseURL, inside Messenger's in-app browser, is where the page
	// goes once the case is filed: Messenger closes the webview there and
	// the customer is back in the conversation.
	CloseURL string
}

// ticketFormField is one of the service's extra questions with what the
// customer typed, kept when the form comes back with an error.
type ticketFormField struct {
	parley.TicketField
	Value string
}

// fieldPrefix keeps the service's field names apart from the form's own
// inputs (subject, details, signed_request).
const fieldPrefix = "field_"

func formFields(declared []parley.TicketField, values map[string]string) []ticketFormField {
	out := make([]ticketFormField, len(declared))
	for i, f := range declared {
		out[i] = ticketFormField{TicketField: f, Value: values[f.Name]}
	}
	return out
}

// postedFields are the form's field_* values by field name.
func postedFields(form url.Values) map[string]string {
	out := map[string]string{}
	for k, v := range form {
		if name, ok := strings.CutPrefix(k, fieldPrefix); ok && len(v) > 0 {
			out[name] = v[0]
		}
	}
	return out
}

// messengerCloseURL is Messenger's documented way to close its webview
// without the Messenger Extensions SDK (a script from Facebook that the
// page's policy does not load): navigating to messenger.com/closeWindow.
func messengerCloseURL(t *parley.Ticket) string {
	return "https://www.messenger.com/closeWindow/?image_url=&display_text=" +
		url.QueryEscape(fmt.Sprintf("Case #%d received", t.Number))
}

// inMessenger reports whether the request comes from Messenger's in-app
// browser (its user agent names the app: FBAN/Messenger…, FB_IAB).
func inMessenger(r *http.Request) bool {
	ua := r.UserAgent()
	return strings.Contains(ua, "FBAN/Messenger") || strings.Contains(ua, "FB_IAB/MESSENGER")
}

// ticketFormPolicy: the form needs no script; it posts to itself.
const ticketFormPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self' https://www.facebook.com https://www.messenger.com"

// maxTicketForm bounds the form's body.
const maxTicketForm = 64 << 10

// ticketFormPage shows the ticket form of a signed link; 403 with a page
// that says so when the link was tampered with or has expired.
func (s *Server) ticketFormPage(w http.ResponseWriter, r *http.Request) {
	f, err := s.Conversations.OpenTicketForm(r.Context(), r.PathValue("token"))
	if err != nil {
		s.ticketFormError(w, r, err, ticketFormData{}, nil)
		return
	}
	data := ticketFormData{Customer: f.Customer, Service: f.Service, Fields: formFields(f.Fields, nil), Filed: f.Filed}
	if f.Filed != nil && inMessenger(r) {
		data.CloseURL = messengerCloseURL(f.Filed)
	}
	s.renderTicketForm(w, http.StatusOK, data)
}

func (s *Server) submitTicketForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxTicketForm)
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.ticketFormError(w, r, parley.Errorf(parley.ETOOLARGE, "The form is too large."), ticketFormData{}, nil)
			return
		}
		s.ticketFormError(w, r, parley.Errorf(parley.EINVALID, "The form could not be read."), ticketFormData{}, nil)
		return
	}
	data := ticketFormData{Subject: r.PostForm.Get("subject"), Details: r.PostForm.Get("details")}
	posted := postedFields(r.PostForm)
	t, err := s.Conversations.SubmitTicketForm(r.Context(), r.PathValue("token"), conversation.TicketFormInput{
		Subject: data.Subject, Description: data.Details, Fields: posted, SignedRequest: r.PostForm.Get("signed_request")})
	if err != nil {
		s.ticketFormError(w, r, err, data, posted)
		return
	}
	data.Filed = t
	if inMessenger(r) {
		data.CloseURL = messengerCloseURL(t)
	}
	s.renderTicketForm(w, http.StatusOK, data)
}

// ticketFormError shows the form again with what to fix (400), or only
// the problem with the link (403) or the request; posted are the
// answers to the service's fields, shown again.
func (s *Server) ticketFormError(w http.ResponseWriter, r *http.Request, err error, data ticketFormData, posted map[string]string) {
	code := parley.ErrorCode(err)
	switch code {
	case parley.EINVALID:
		data.Error = parley.ErrorMessage(err)
		if f, err := s.Conversations.OpenTicketForm(r.Context(), r.PathValue("token")); err == nil {
			data.Customer, data.Service = f.Customer, f.Service // the form shown again says who it is for
			data.Fields = formFields(f.Fields, posted)
		}
	case parley.EFORBIDDEN, parley.ETOOLARGE:
		data = ticketFormData{Problem: parley.ErrorMessage(err)}
	default:
		s.Logger.Error("ticket form", "path", r.URL.Path, "err", err)
		data = ticketFormData{Problem: "Something went wrong on our side. Please try again in a moment."}
	}
	s.renderTicketForm(w, statusOf[code], data)
}

func (s *Server) renderTicketForm(w http.ResponseWriter, status int, data ticketFormData) {
	data.Title = "Open a case"
	data.Demo = s.Simulator != nil
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", ticketFormPolicy)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	if err := s.pages["ticket_form"].ExecuteTemplate(w, ui.LayoutName, data); err != nil {
		s.Logger.Error("ticket form page", "err", err)
	}
}
