package e2e

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleycc/parley/channel/telegram/faketelegram"
)

// TestAdminAccountTypes: an admin adds a Telegram bot from the browser:
// the form asks for what Telegram needs, Test Connection reaches the
// (fake) Bot API, the saved account shows the webhook URL to paste, and
// Set Webhook registers that URL with Telegram. The Vonage form asks for
// its own fields.
func TestAdminAccountTypes(t *testing.T) {
	chromiumPath(t)
	tg := faketelegram.New()
	tg.AddBot("777:e2e-bot-token", faketelegram.Bot{ID: 777, Username: "acme_e2e_bot", FirstName: "Acme"})
	api := httptest.NewServer(tg)
	t.Cleanup(api.Close)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/accounts", "new-account")
	adm.waitFor("the account list", `() => document.querySelectorAll("#accounts-body tr[data-account]").length > 0`)
	adm.do("open the form for a Telegram bot",
		chromedp.Click(chromedp.ID("new-account")),
		chromedp.SetValue(chromedp.ID("f-type"), "telegram"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-type").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.ID("f-access-token")),
	)
	labels := eval[string](adm, `[...document.querySelectorAll("#type-fields label")].map((l) => l.textContent).join("|")`)
	if labels != "Bot username|Bot token|Webhook secret token|API base URL" {
		t.Fatalf("Telegram form asks for %q", labels)
	}
	adm.do("fill it in",
		typeInto(chromedp.ID("f-name"), "acme-telegram"),
		typeInto(chromedp.ID("f-page-username"), "acme_e2e_bot"),
		typeInto(chromedp.ID("f-access-token"), "777:e2e-bot-token"),
		chromedp.Click(chromedp.CSS("#type-fields .field-with-button button")),
		typeInto(chromedp.ID("f-api-base-url"), api.URL),
	)
	adm.waitFor("a generated secret token", `() => document.querySelector("#f-verify-token").value.length > 20`)
	adm.do("test the connection", chromedp.Click(chromedp.ID("test-connection")))
	adm.waitFor("a valid result", `() => document.querySelector("#test-result").dataset.valid === "true"`)
	if got := eval[string](adm, `document.querySelector("#test-result").textContent`); !strings.Contains(got, "acme_e2e_bot") {
		t.Fatalf("Test Connection says %q, want the bot's username", got)
	}
	adm.do("save", chromedp.Click(chromedp.ID("save-account")))
	adm.waitFor("the bot in the list", `() => !!document.querySelector('#accounts-body tr[data-account="acme-telegram"]')`)
	hook := eval[string](adm, `document.querySelector('#accounts-body tr[data-account="acme-telegram"] .webhook-url code').textContent`)
	if !strings.Contains(hook, "/webhooks/telegram/") {
		t.Fatalf("webhook URL shown = %q, want /webhooks/telegram/<id>", hook)
	}

	adm.do("set the webhook",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#accounts-body tr[data-account="acme-telegram"] button')].find((b) => b.textContent === "Edit").click()`),
		chromedp.WaitVisible(chromedp.ID("set-webhook")),
		chromedp.Click(chromedp.ID("set-webhook")),
	)
	adm.waitText("#test-result", "Webhook set")
	if got := tg.Webhook("777:e2e-bot-token"); got.URL != hook {
		t.Fatalf("Telegram's webhook = %+v, want %s", got, hook)
	}
	adm.screenshot("admin-accounts-telegram")

	adm.do("the Vonage form",
		chromedp.Click(chromedp.ID("new-account")),
		chromedp.SetValue(chromedp.ID("f-type"), "vonage"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#f-type").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.ID("f-settings-route")),
	)
	if got := eval[string](adm, `[...document.querySelectorAll("#f-settings-route option")].map((o) => o.value).join(",")`); got != "messenger,viber_service,sms,whatsapp" {
		t.Fatalf("Vonage routes offered = %q", got)
	}
	adm.screenshot("admin-accounts-vonage-form")
}
