package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminWebhooks: an admin subscribes an integrator's URL in Admin →
// Webhooks (a loopback target is refused until allowed), sees the secret
// once, and after a customer writes sees the deliveries in the log.
func TestAdminWebhooks(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/webhooks", "new-hook")
	adm.waitFor("the demo's webhook", `() => !!document.querySelector('#hooks-body tr[data-hook="demo-inbox"]')`)
	adm.do("fill a new webhook",
		chromedp.Click(chromedp.ID("new-hook")),
		chromedp.WaitVisible(chromedp.ID("h-name")),
		typeInto(chromedp.ID("h-name"), "crm"),
		typeInto(chromedp.ID("h-url"), srv.URL+"/simulator/webhook-inbox"),
		chromedp.Click(chromedp.ID("save-hook")),
	)
	adm.waitFor("the refusal of a loopback target", `() => !document.querySelector("#hook-error").hidden &&
		document.querySelector("#hook-error").textContent.includes("allow private targets")`)
	adm.do("allow it and save", chromedp.Click(chromedp.ID("h-private")), chromedp.Click(chromedp.ID("save-hook")))
	adm.waitFor("the secret, once", `() => !document.querySelector("#secret-box").hidden &&
		document.querySelector("#secret-value").textContent.startsWith("whsec_") &&
		!!document.querySelector('#hooks-body tr[data-hook="crm"]')`)
	adm.screenshot("admin-webhooks-created")

	body, _ := json.Marshal(map[string]string{"channel": "messenger", "user": "2401123456789099", "first_name": "Nia", "text": "Hello webhooks"})
	resp, err := http.Post(srv.URL+"/simulator/api/send", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("simulator send: %s", resp.Status)
	}
	adm.do("open crm's deliveries", chromedp.Click(chromedp.CSS(`#hooks-body tr[data-hook="crm"] button`)))
	adm.waitFor("delivered events in the log", `() => [...document.querySelectorAll('#log-body tr[data-delivered="true"]')]
		.some((tr) => tr.textContent.includes("message.created") && tr.textContent.includes("HTTP 204"))`)
	if txt := eval[string](adm, `document.querySelector('#hooks-body tr[data-hook="crm"]').textContent`); !strings.Contains(txt, "OK") {
		t.Errorf("crm row = %q, want status OK", txt)
	}
	adm.screenshot("admin-webhooks-deliveries")
}
