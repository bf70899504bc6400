package app_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/conversation"
)

// TestAdminServiceTicketFields: an admin declares a service's ticket
// form fields through the services API; a bad field is refused naming
// it, an edit that leaves ticket_fields out keeps them, and an empty
// list removes them.
func TestAdminServiceTicketFields(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada := w.login("ada", "ada-pass")
			const services = "/api/admin/services"
			fields := []parley.TicketField{
				{Name: "order_number", Label: "Order number", Type: "text"},
				{Name: "device", Label: "Device", Type: "choice", Required: true, Choices: []string{"Phone", "Laptop"}},
			}
			bad := []struct {
				name   string
				fields []map[string]any
				msg    string
			}{
				{"name with capitals", []map[string]any{{"name": "Order", "label": "Order", "type": "text"}}, `ticket field "Order": name`},
				{"unknown type", []map[string]any{{"name": "order", "label": "Order", "type": "number"}}, `ticket field "order": type`},
				{"choice without choices", []map[string]any{{"name": "device", "label": "Device", "type": "choice"}}, `ticket field "device": choices`},
				{"no label", []map[string]any{{"name": "device", "label": " ", "type": "text"}}, `ticket field "device": label`},
				{"same name twice", []map[string]any{{"name": "a", "label": "A", "type": "text"}, {"name": "a", "label": "B", "type": "text"}}, `ticket field "a": name: used twice`},
			}
			for _, b := range bad {
				in := map[string]any{"name": "Returns", "routing": map[string]any{"strategy": "least_busy"}, "ticket_fields": b.fields}
				if code, msg := ada.call(http.MethodPost, services, in, nil); code != http.StatusBadRequest || !strings.Contains(msg, b.msg) {
					t.Errorf("%s: HTTP %d %q, want 400 with %q", b.name, code, msg, b.msg)
				}
			}

			var created conversation.AdminServiceView
			ada.expect(http.StatusCreated, "", http.MethodPost, services, map[string]any{"name": "Returns",
				"routing": map[string]any{"strategy": "least_busy"}, "ticket_fields": fields}, &created)
			if !reflect.DeepEqual(created.TicketFields, fields) {
				t.Fatalf("created ticket fields %+v, want %+v", created.TicketFields, fields)
			}
			// An edit without the key keeps the fields.
			var edited conversation.AdminServiceView
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, map[string]any{"max_chats_per_agent": 4,
				"routing": map[string]any{"strategy": "least_busy"}, "version": created.Version}, &edited)
			if edited.MaxChatsPerAgent != 4 || !reflect.DeepEqual(edited.TicketFields, fields) {
				t.Fatalf("edited without ticket_fields: %+v", edited)
			}
			// A bad edit changes nothing.
			ada.expect(http.StatusBadRequest, `ticket field "device": choices`, http.MethodPut, services+"/"+created.ID, map[string]any{
				"routing": map[string]any{"strategy": "least_busy"}, "version": edited.Version,
				"ticket_fields": []map[string]any{{"name": "device", "label": "Device", "type": "choice", "choices": []string{}}}}, nil)
			var list struct {
				Services []conversation.AdminServiceView `json:"services"`
			}
			ada.expect(http.StatusOK, "", http.MethodGet, services, nil, &list)
			for _, sv := range list.Services {
				switch {
				case sv.ID == created.ID && !reflect.DeepEqual(sv.TicketFields, fields):
					t.Errorf("listed Returns with %+v", sv.TicketFields)
				case sv.ID != created.ID && (sv.TicketFields == nil || len(sv.TicketFields) != 0):
					t.Errorf("service %s lists ticket_fields %#v, want []", sv.Name, sv.TicketFields)
				}
			}
			// Reordered and trimmed, then removed with an empty list.
			var reordered, removed conversation.AdminServiceView
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, map[string]any{"routing": map[string]any{"strategy": "least_busy"},
				"version": edited.Version, "ticket_fields": []map[string]any{{"name": " device ", "label": "Device ", "type": "choice", "required": true,
					"choices": []string{" Phone", "Laptop "}}, {"name": "order_number", "label": "Order number", "type": "text"}}}, &reordered)
			if want := []parley.TicketField{fields[1], fields[0]}; !reflect.DeepEqual(reordered.TicketFields, want) {
				t.Fatalf("reordered: %+v, want %+v", reordered.TicketFields, want)
			}
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, map[string]any{"routing": map[string]any{"strategy": "least_busy"},
				"version": reordered.Version, "ticket_fields": []any{}}, &removed)
			if removed.TicketFields == nil || len(removed.TicketFields) != 0 {
				t.Fatalf("removed: %#v", removed.TicketFields)
			}
		})
	}
}

// TestTicketFormFields: a customer files a ticket for a service with
// form fields. A missing required field or an answer that is not one of
// the choices is refused (400, naming the field, keeping what was
// typed); unknown fields are ignored; the ticket keeps the answers and
// GET /api/tickets/{id} lists them in the service's order, then the
// answers to fields the service no longer asks.
func TestTicketFormFields(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := &flowWorld{world: newWorldFrom(t, dsn(t), "testdata/ticket_fields.yaml", nil)}
			dana := w.customer("3100000000000011", "Dana")
			dana.says("hello")
			dana.hears("Hi Dana! What can I help you with?")
			dana.says("my screen is broken") // no article: straight to the form
			button := waitCall(t, w, dana.psid, func(c fakegraph.SentCall) bool { return c.TemplateType == "button" })
			link := templatePayload(t, button)["buttons"].([]any)[0].(map[string]any)["url"].(string)

			code, page := get(t, link)
			for _, want := range []string{`name="field_order_number"`, `<select id="ticket-field-device" name="field_device" required>`,
				`<option value="Tablet">Tablet</option>`, `<textarea id="ticket-field-steps" name="field_steps"`, "(optional)"} {
				if code != http.StatusOK || !strings.Contains(page, want) {
					t.Fatalf("form: HTTP %d, no %s in\n%s", code, want, page)
				}
			}
			bad := []struct {
				name string
				form url.Values
				want string
			}{
				{"device missing", url.Values{"field_device": {" "}}, `Please fill in &#34;Device&#34;.`},
				{"device not a choice", url.Values{"field_device": {"Toaster"}}, `Please pick one of the choices for &#34;Device&#34;.`},
			}
			for _, b := range bad {
				b.form.Set("subject", "Screen broken")
				b.form.Set("details", "Dropped it")
				b.form.Set("field_order_number", "A-1001")
				code, page := postForm(t, link, b.form)
				if code != http.StatusBadRequest || !strings.Contains(page, `id="ticket-error"`) || !strings.Contains(page, b.want) {
					t.Fatalf("%s: HTTP %d, want 400 with %s:\n%s", b.name, code, b.want, page)
				}
				for _, kept := range []string{`value="Screen broken"`, ">Dropped it</textarea>", `name="field_order_number" maxlength="2000" value="A-1001"`} {
					if !strings.Contains(page, kept) {
						t.Errorf("%s: the form shown again lost %s", b.name, kept)
					}
				}
			}
			code, page = postForm(t, link, url.Values{"subject": {"Screen broken"}, "details": {"Dropped it"}, "field_device": {"Laptop"},
				"field_order_number": {" A-1001 "}, "field_steps": {""}, "field_colour": {"red"}})
			if code != http.StatusOK || !strings.Contains(page, "#1") {
				t.Fatalf("submit: HTTP %d %s", code, page)
			}
			ctx := context.Background()
			list, _, err := w.app.Store.Tickets(ctx, parley.TicketFilter{TenantID: parley.DefaultTenant})
			if err != nil || len(list) != 1 {
				t.Fatalf("tickets: %v %v", list, err)
			}
			tk := list[0]
			if want := map[string]string{"order_number": "A-1001", "device": "Laptop"}; !reflect.DeepEqual(tk.Fields, want) {
				t.Fatalf("stored fields %v, want %v", tk.Fields, want)
			}

			// A field answered once, then no longer asked, is still listed.
			svc, err := w.app.Store.ServiceByName(ctx, parley.DefaultTenant, "Support")
			if err != nil {
				t.Fatal(err)
			}
			tk.Fields["warranty"] = "yes"
			if err := w.app.Store.UpdateTicket(ctx, tk); err != nil {
				t.Fatal(err)
			}
			alice := w.login("alice", "alice-pass")
			var detail struct {
				Ticket struct {
					FieldList []conversation.TicketFieldValue `json:"field_list"`
				} `json:"ticket"`
			}
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/tickets/"+tk.ID, nil, &detail)
			want := []conversation.TicketFieldValue{{Name: "order_number", Label: "Order number", Value: "A-1001"},
				{Name: "device", Label: "Device", Value: "Laptop"}, {Name: "warranty", Label: "warranty", Value: "yes"}}
			if !reflect.DeepEqual(detail.Ticket.FieldList, want) {
				t.Fatalf("field_list %+v, want %+v", detail.Ticket.FieldList, want)
			}
			// The service's order, not the answers': reorder the fields.
			svc.TicketFields[0], svc.TicketFields[1] = svc.TicketFields[1], svc.TicketFields[0]
			if err := w.app.Store.UpsertService(ctx, svc); err != nil {
				t.Fatal(err)
			}
			alice.expect(http.StatusOK, "", http.MethodGet, "/api/tickets/"+tk.ID, nil, &detail)
			if got := detail.Ticket.FieldList; len(got) != 3 || got[0].Name != "device" || got[1].Name != "order_number" {
				t.Fatalf("field_list after reordering %+v", got)
			}
		})
	}
}
