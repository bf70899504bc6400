package e2e

import (
	"reflect"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminTicketFields: an admin opens the demo's Support service, sees
// its two ticket form fields, is told which field is wrong (by the
// browser for a bad name, by the server for a choice without choices),
// then adds a third, removes the order number and saves: the services API and the list show the new fields in order.
func TestAdminTicketFields(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.do("a wide window", chromedp.EmulateViewport(1280, 900))
	adm.signIn(srv, "admin", "admin-demo", "/admin/services", "service-form")
	adm.waitText(`#services-body tr[data-service="Support"] .service-ticket-fields`, "Order number, Device *")
	adm.do("edit Support", chromedp.Evaluate[chromedp.Void](`document.querySelector('#services-body tr[data-service="Support"] button').click()`))
	adm.waitFor("Support's fields in the editor", `() => {
		const rows = [...document.querySelectorAll("#s-ticket-fields tr")];
		return rows.length === 2 && rows[0].querySelector(".tf-name").value === "order_number" && rows[0].querySelector(".tf-choices").disabled &&
			rows[1].querySelector(".tf-type").value === "choice" && rows[1].querySelector(".tf-required").checked &&
			rows[1].querySelector(".tf-choices").value === "Phone, Laptop, Tablet, Other"
	}`)

	// The browser holds back a name that breaks the rules; the server
	// names the field for what the browser cannot see.
	row := `#s-ticket-fields tr:nth-child(3) `
	adm.do("add a field with a bad name", chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-add-ticket-field").click()`),
		typeInto(row+".tf-name", "Colour"), typeInto(row+".tf-label", "Colour of the device"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-service").click()`))
	adm.waitFor("the name marked wrong", `(sel) => document.querySelector(sel).validity.patternMismatch && document.querySelector("#service-error").hidden`, row+".tf-name")
	adm.do("fix the name, make it a choice without choices and save",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-ticket-fields tr:nth-child(3) .tf-name").value = ""`),
		typeInto(row+".tf-name", "colour"),
		chromedp.SetValue(row+".tf-type", "choice"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-ticket-fields tr:nth-child(3) .tf-type").dispatchEvent(new Event("change"))`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-service").click()`))
	adm.waitText("#service-error", `ticket field "colour": choices`)
	adm.do("give it choices, drop the order number and save",
		typeInto(row+".tf-choices", "Black, White"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#s-ticket-fields tr:nth-child(1) .tf-remove").click()`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-service").click()`))
	adm.waitText(`#services-body tr[data-service="Support"] .service-ticket-fields`, "Device *, Colour of the device")
	adm.screenshot("admin-services-ticket-fields")

	type field struct {
		Name     string   `json:"name"`
		Label    string   `json:"label"`
		Type     string   `json:"type"`
		Required bool     `json:"required"`
		Choices  []string `json:"choices"`
	}
	var list struct {
		Services []struct {
			Name         string  `json:"name"`
			TicketFields []field `json:"ticket_fields"`
		} `json:"services"`
	}
	apiLogin(t, srv.URL, "admin", "admin-demo").call("GET", "/api/admin/services", nil, &list)
	want := []field{{Name: "device", Label: "Device", Type: "choice", Required: true, Choices: []string{"Phone", "Laptop", "Tablet", "Other"}},
		{Name: "colour", Label: "Colour of the device", Type: "choice", Choices: []string{"Black", "White"}}}
	for _, s := range list.Services {
		if s.Name == "Support" && !reflect.DeepEqual(s.TicketFields, want) {
			t.Fatalf("Support's ticket fields %+v, want %+v", s.TicketFields, want)
		}
	}
}
