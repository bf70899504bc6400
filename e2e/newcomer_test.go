package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley/app"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
	"github.com/parleycc/parley/config"
	"github.com/parleycc/parley/conversation"
	"github.com/parleycc/parley/hooks"
)

// The newcomer's page, as the fake Graph API knows it.
const (
	ncPageID    = "100200300400500"
	ncPageName  = "Acme Outdoors"
	ncToken     = "acme-page-token-e2e"
	ncAppSecret = "acme-app-secret-e2e"
	ncVerify    = "acme-verify-token-e2e"
)

// TestNewcomerSetup is the admin console issue's "done when": on an empty
// install (not the demo) whose first admin was made as `parley admin
// create` makes it, the admin sets everything up in the browser: a page
// account checked with Test Connection against the fake Graph API, an
// always-open schedule, a service with that schedule, an after-hours
// message and a chat limit, two agents of it, a scenario written and then
// edited, the entry linking page, scenario and service, a webhook. Each
// step shows in what the customer gets: the greeting of the scenario's
// first version, then of the edited one, then (the schedule given today
// as a holiday) the after-hours message; the webhook's deliveries are in
// its log. The exported parley.yaml (the webhook's secret read from the
// environment) sets up a fresh database the same: exported again, it is
// the same file, and the new instance signs deliveries with that secret.
func TestNewcomerSetup(t *testing.T) {
	chromiumPath(t)
	graph := fakegraph.New()
	graph.AddPage(ncPageID, ncPageName, ncToken)
	api := httptest.NewServer(graph)
	t.Cleanup(api.Close)

	// The integrator's endpoint: what it received, to check the signature.
	var hookMu sync.Mutex
	var hookCalls []hookCall
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		hookMu.Lock()
		hookCalls = append(hookCalls, hookCall{sig: r.Header.Get(hooks.SignatureHeader), body: body})
		hookMu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(target.Close)

	h := startAppWith(t, newcomerConfig(""))
	srv := proxyTo(t, h.url, h)
	// What `printf '%s\n' "$PW" | parley admin create ada` does (README, "The first admin").
	if _, err := conversation.CreateAdmin(testContext(t), h.app.Store, conversation.NewAdmin{
		Username: "ada", DisplayName: "Ada Admin", Password: "ada-first-pass", Cost: bcrypt.MinCost}); err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)
	adm := newTab(t, browser, "admin")

	// Accounts: the Facebook page, checked against the fake Graph API.
	adm.signIn(srv, "ada", "ada-first-pass", "/admin/accounts", "new-account")
	adm.waitText("#accounts-body", "No accounts yet.")
	adm.do("fill in the page",
		chromedp.Click(chromedp.ID("new-account")),
		chromedp.WaitVisible(chromedp.ID("f-page-id")),
		typeInto(chromedp.ID("f-name"), "acme-page"),
		typeInto(chromedp.ID("f-page-username"), "acmeoutdoors"),
		typeInto(chromedp.ID("f-page-id"), ncPageID),
		typeInto(chromedp.ID("f-access-token"), ncToken),
		typeInto(chromedp.ID("f-app-secret"), ncAppSecret),
		typeInto(chromedp.ID("f-verify-token"), ncVerify),
		typeInto(chromedp.ID("f-api-base-url"), api.URL),
		chromedp.Click(chromedp.ID("test-connection")),
	)
	adm.waitFor("a valid result", `() => document.querySelector("#test-result").dataset.valid === "true"`)
	if got := eval[string](adm, `document.querySelector("#test-result").textContent`); !strings.Contains(got, ncPageName) || !strings.Contains(got, ncPageID) {
		t.Fatalf("Test Connection says %q, want the page's name and id", got)
	}
	adm.screenshot("newcomer-account-tested")
	adm.do("save", chromedp.Click(chromedp.ID("save-account")))
	adm.waitText(`#accounts-body tr[data-account="acme-page"] .token-cell`, "Active")

	// Schedules: open around the clock, so that the first chats are in hours.
	adm.do("open Schedules", chromedp.Navigate(srv.URL+"/admin/schedules"), chromedp.WaitVisible(chromedp.ID("schedule-form")))
	adm.waitText("#schedules-body", "No schedules yet")
	adm.waitFor("the default hours", `() => document.querySelectorAll("#sc-spans li").length === 1`)
	adm.do("write an every-day schedule",
		typeInto(chromedp.ID("sc-name"), "Around the clock"),
		chromedp.Evaluate[chromedp.Void](`(() => {
			document.querySelector("#sc-tz").value = "UTC";
			for (const c of document.querySelectorAll("#sc-spans .span-days input")) c.checked = true;
			document.querySelector("#sc-spans .span-from").value = "00:00";
			document.querySelector("#sc-spans .span-to").value = "24:00";
		})()`),
		chromedp.Click(chromedp.ID("save-schedule")),
	)
	adm.waitText(`#schedules-body tr[data-schedule="Around the clock"]`, "every day 00:00–24:00")
	adm.waitText(`#schedules-body tr[data-schedule="Around the clock"] .pill`, "open")

	// Services: Sales, with those hours, an after-hours message and a chat limit.
	adm.do("open Services", chromedp.Navigate(srv.URL+"/admin/services"), chromedp.WaitVisible(chromedp.ID("service-form")))
	adm.waitFor("the schedule to pick", `() => [...document.querySelectorAll("#s-schedule option")].some((o) => o.value === "Around the clock")`)
	adm.do("fill in Sales",
		typeInto(chromedp.ID("s-name"), "Sales"),
		chromedp.SetValue(chromedp.ID("s-schedule"), "Around the clock"),
		typeInto(chromedp.ID("s-after-hours"), "Acme Sales is closed today; we answer tomorrow."),
		typeInto(chromedp.ID("s-max-chats"), "2"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-service").click()`),
	)
	adm.waitText(`#services-body tr[data-service="Sales"] .service-hours`, "Around the clock")
	adm.waitText(`#services-body tr[data-service="Sales"]`, "2 chats per agent")

	// Users: two agents of Sales.
	adm.do("open Users", chromedp.Navigate(srv.URL+"/admin/users"), chromedp.WaitVisible(chromedp.ID("user-form")))
	adm.waitFor("Sales to pick", `() => !!document.querySelector('#u-services input[value="Sales"]')`)
	for _, a := range []struct{ user, name string }{{"nina", "Nina Berg"}, {"omar", "Omar Haddad"}} {
		adm.do("create "+a.user,
			typeInto(chromedp.ID("u-username"), a.user),
			typeInto(chromedp.ID("u-display"), a.name),
			chromedp.Click(chromedp.CSS(`#u-services input[value="Sales"]`)),
			typeInto(chromedp.ID("u-password"), a.user+"-pass-1"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-user").click()`),
		)
		adm.waitText(`#users-body tr[data-user="`+a.user+`"]`, "Sales")
		// The form is cleared for the next user.
		adm.waitFor("an empty form", `() => document.querySelector("#u-username").value === ""`)
	}
	adm.screenshot("newcomer-users")

	// Scenarios: the first one, typed into the empty editor.
	adm.do("open Scenarios", chromedp.Navigate(srv.URL+"/admin/scenarios"), chromedp.WaitVisible(chromedp.ID("scenario-yaml")))
	adm.waitFor("no scenarios yet, no file to reload", `() => document.querySelector("#config-file").textContent === "none" &&
		document.querySelector("#config-reload").offsetParent === null &&
		document.querySelectorAll("#scenario-list .scn-item").length === 0`)
	adm.do("write a scenario",
		typeInto(chromedp.ID("scenario-yaml"), `name: page-chat
blocks:
  - id: greeting
    type: send_message
    text: "Hi $(first_name), thanks for writing to Acme Outdoors."
  - id: find-agent
    type: find_agent
    service: Sales
  - id: connect
    type: connect_chat
  - id: end
    type: exit
`),
		chromedp.Click(chromedp.ID("scenario-validate")),
	)
	adm.waitFor("valid", `() => document.querySelector("#scenario-status").dataset.kind === "ok"`)
	adm.do("publish", chromedp.Click(chromedp.ID("scenario-publish")))
	adm.waitText("#scenario-status", "Published page-chat v1")

	// Entries: the page runs page-chat for Sales.
	adm.do("open Entries", chromedp.Navigate(srv.URL+"/admin/entries"), chromedp.WaitVisible(chromedp.ID("entry-form")))
	adm.waitFor("the page, the scenario and the service to pick", `() =>
		[...document.querySelectorAll("#e-account option")].some((o) => o.textContent === "acme-page (facebook)") &&
		[...document.querySelectorAll("#e-scenario option")].some((o) => o.value === "page-chat") &&
		[...document.querySelectorAll("#e-service option")].some((o) => o.value === "Sales")`)
	adm.do("link them",
		typeInto(chromedp.ID("e-name"), "Facebook page"),
		chromedp.Evaluate[chromedp.Void](`(() => {
			const acc = document.querySelector("#e-account");
			acc.value = [...acc.options].find((o) => o.textContent === "acme-page (facebook)").value;
			document.querySelector("#e-scenario").value = "page-chat";
			document.querySelector("#e-service").value = "Sales";
			document.querySelector("#save-entry").click();
		})()`),
	)
	adm.waitText(`#entries-body tr[data-entry="Facebook page"]`, "acme-page (facebook)")
	adm.waitText(`#entries-body tr[data-entry="Facebook page"]`, "Sales")
	adm.screenshot("newcomer-entries")

	// Webhooks: the integrator's endpoint on loopback, allowed as private.
	adm.do("open Webhooks", chromedp.Navigate(srv.URL+"/admin/webhooks"), chromedp.WaitVisible(chromedp.ID("new-hook")))
	adm.waitText("#hooks-body", "No webhooks yet.")
	adm.do("subscribe the endpoint",
		chromedp.Click(chromedp.ID("new-hook")),
		chromedp.WaitVisible(chromedp.ID("h-name")),
		typeInto(chromedp.ID("h-name"), "crm"),
		typeInto(chromedp.ID("h-url"), target.URL+"/parley"),
		chromedp.Click(chromedp.ID("h-private")),
		chromedp.Click(chromedp.ID("save-hook")),
	)
	adm.waitFor("the secret, once", `() => !document.querySelector("#secret-box").hidden &&
		document.querySelector("#secret-value").textContent.startsWith("whsec_") && !!document.querySelector('#hooks-body tr[data-hook="crm"]')`)
	secret := eval[string](adm, `document.querySelector("#secret-value").textContent`)

	// A customer writes to the page: the first version's greeting.
	graph.SetProfile("7300000000000001", "Nora", "Diaz", "")
	customerWrites(t, srv, "7300000000000001", "m-nora-1", "Do you sell tents?")
	waitSent(t, graph, "7300000000000001", "Hi Nora, thanks for writing to Acme Outdoors.")

	// The scenario edited in the browser: the next customer gets the new greeting.
	adm.do("open Scenarios again", chromedp.Navigate(srv.URL+"/admin/scenarios"), chromedp.WaitVisible(chromedp.ID("scenario-yaml")))
	adm.waitFor("page-chat v1", `() => document.querySelector("#editor-title").textContent === "page-chat" &&
		document.querySelector("#scenario-yaml").value.includes("thanks for writing to Acme Outdoors")`)
	adm.do("edit the greeting and publish", chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.querySelector("#scenario-yaml");
		ta.value = ta.value.replace("Hi $(first_name), thanks for writing to Acme Outdoors.", "Hello $(first_name)! Acme Outdoors here, version two."); })()`),
		chromedp.Click(chromedp.ID("scenario-publish")))
	adm.waitText("#scenario-status", "Published page-chat v2")
	adm.screenshot("newcomer-scenario-v2")
	graph.SetProfile("7300000000000002", "Paul", "Ek", "")
	customerWrites(t, srv, "7300000000000002", "m-paul-1", "Hi, about boots")
	waitSent(t, graph, "7300000000000002", "Hello Paul! Acme Outdoors here, version two.")

	// Closed today (and tomorrow, whichever side of midnight the check
	// runs): a new customer gets Sales' after-hours message.
	now := time.Now().UTC()
	adm.do("open Schedules again", chromedp.Navigate(srv.URL+"/admin/schedules"), chromedp.WaitVisible(chromedp.ID("schedule-form")))
	adm.waitFor("the schedule", `() => !!document.querySelector('#schedules-body tr[data-schedule="Around the clock"]')`)
	adm.do("edit it", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('#schedules-body tr[data-schedule="Around the clock"] button')].find((b) => b.textContent === "Edit").click()`))
	adm.waitFor("its hours in the form", `() => document.querySelector("#sc-name").readOnly && document.querySelector("#sc-spans .span-to").value === "24:00"`)
	for _, day := range []time.Time{now, now.Add(24 * time.Hour)} {
		// Clicked in the page: the form is still scrolling smoothly into view.
		adm.do("add a holiday", chromedp.SetValue(chromedp.ID("sc-holiday"), day.Format(time.DateOnly)),
			chromedp.Evaluate[chromedp.Void](`document.querySelector("#sc-add-holiday").click()`))
		adm.waitText("#sc-holidays", day.Format(time.DateOnly))
	}
	adm.do("save", chromedp.Evaluate[chromedp.Void](`document.querySelector("#save-schedule").click()`))
	adm.waitText(`#schedules-body tr[data-schedule="Around the clock"] .pill`, "closed")
	adm.waitText(`#schedules-body tr[data-schedule="Around the clock"]`, "service Sales")
	adm.screenshot("newcomer-schedule-closed")
	graph.SetProfile("7300000000000003", "Rita", "Moss", "")
	customerWrites(t, srv, "7300000000000003", "m-rita-1", "Are you open?")
	waitSent(t, graph, "7300000000000003", "Acme Sales is closed today; we answer tomorrow.")
	for _, c := range graph.SentTo("7300000000000003") {
		if strings.Contains(c.Text, "Acme Outdoors here") {
			t.Errorf("after hours Rita got the greeting %q", c.Text)
		}
	}

	// The webhook's log shows the deliveries, and the endpoint got them signed.
	adm.do("open Webhooks again", chromedp.Navigate(srv.URL+"/admin/webhooks"), chromedp.WaitVisible(chromedp.ID("new-hook")))
	adm.waitFor("crm", `() => !!document.querySelector('#hooks-body tr[data-hook="crm"]')`)
	adm.do("open crm's deliveries", chromedp.Click(chromedp.CSS(`#hooks-body tr[data-hook="crm"] button`)))
	adm.waitFor("delivered chats and messages in the log", `() => { const rows = [...document.querySelectorAll('#log-body tr[data-delivered="true"]')];
		return rows.some((tr) => tr.textContent.includes("chat.created") && tr.textContent.includes("HTTP 204")) &&
			rows.some((tr) => tr.textContent.includes("message.created") && tr.textContent.includes("HTTP 204")) }`)
	adm.waitText(`#hooks-body tr[data-hook="crm"]`, "OK")
	adm.screenshot("newcomer-webhook-deliveries")
	hookMu.Lock()
	calls := append([]hookCall(nil), hookCalls...)
	hookMu.Unlock()
	if len(calls) == 0 {
		t.Fatal("the log shows deliveries the endpoint never got")
	}
	for _, c := range calls {
		if err := hooks.Verify(c.sig, secret, c.body, time.Now(), 5*time.Minute); err != nil {
			t.Errorf("delivery %.80s: signature: %v", c.body, err)
		}
	}

	// Export, then the same setup on a fresh database from that file:
	// everything the admin set up, the webhook too, its secret (shown
	// once) an ${ENV} reference like the page's tokens.
	exported := exportConfig(t, h.url, "ada", "ada-first-pass")
	for _, want := range []string{"name: acme-page", "${" + config.SecretEnv("acme-page", "access_token") + "}", "name: Around the clock",
		"name: Sales", "username: nina", "username: omar", "Acme Outdoors here, version two.", "name: Facebook page",
		"webhooks:\n  - name: crm\n", "url: " + target.URL + "/parley", "secret: ${" + config.WebhookSecretEnv("crm") + "}", "allow_private: true"} {
		if !strings.Contains(string(exported), want) {
			t.Errorf("the export lacks %q:\n%s", want, exported)
		}
	}
	if strings.Contains(string(exported), ncToken) || strings.Contains(string(exported), ncAppSecret) || strings.Contains(string(exported), ncVerify) ||
		strings.Contains(string(exported), secret) {
		t.Fatalf("the export holds a secret in clear:\n%s", exported)
	}
	file := filepath.Join(t.TempDir(), "parley.yaml")
	if err := os.WriteFile(file, exported, 0o600); err != nil {
		t.Fatal(err)
	}
	// The secrets come from the environment the export names.
	t.Setenv(config.SecretEnv("acme-page", "access_token"), ncToken)
	t.Setenv(config.SecretEnv("acme-page", "app_secret"), ncAppSecret)
	t.Setenv(config.SecretEnv("acme-page", "verify_token"), ncVerify)
	t.Setenv(config.WebhookSecretEnv("crm"), secret) // the secret the page showed once
	h2 := startAppWith(t, newcomerConfig(file))
	// The admin came with the file (her password hash): she signs in.
	again := exportConfig(t, h2.url, "ada", "ada-first-pass")
	if string(again) != string(exported) {
		t.Fatalf("the fresh database exports another setup:\n--- first\n%s\n--- from the file\n%s", exported, again)
	}
	// The webhook came with the file, as Admin → Webhooks shows it.
	var list struct {
		Webhooks []struct {
			Name, URL    string
			Events       []string
			AllowPrivate bool `json:"allow_private"`
			Active       bool
		}
	}
	if err := json.Unmarshal(adminGet(t, h2.url, "ada", "ada-first-pass", "/api/admin/webhooks"), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Webhooks) != 1 || list.Webhooks[0].Name != "crm" || list.Webhooks[0].URL != target.URL+"/parley" ||
		!list.Webhooks[0].AllowPrivate || !list.Webhooks[0].Active || len(list.Webhooks[0].Events) == 0 {
		t.Fatalf("webhooks of the fresh database: %+v", list.Webhooks)
	}
	hookMu.Lock()
	delivered := len(hookCalls)
	hookMu.Unlock()

	// And it works: the page answers a customer with the edited greeting.
	srv2 := proxyTo(t, h2.url, h2)
	graph.SetProfile("7300000000000004", "Sam", "Lind", "")
	customerWrites(t, srv2, "7300000000000004", "m-sam-1", "Hello again")
	waitSent(t, graph, "7300000000000004", "Acme Sales is closed today; we answer tomorrow.")
	// The endpoint gets Sam's chat from the new instance, signed with the
	// same secret.
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(50 * time.Millisecond) {
		hookMu.Lock()
		fresh := append([]hookCall(nil), hookCalls[delivered:]...)
		hookMu.Unlock()
		if len(fresh) > 0 {
			for _, c := range fresh {
				if err := hooks.Verify(c.sig, secret, c.body, time.Now(), 5*time.Minute); err != nil {
					t.Errorf("delivery from the new instance %.80s: signature: %v", c.body, err)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the new instance delivered nothing to the webhook")
		}
	}
}

// newcomerConfig is `parley serve` on a new database, not the demo: the
// admin may point the account at the fake Graph API on loopback, and a
// loopback webhook target is reachable. file is the parley.yaml to apply
// at start ("" for none).
func newcomerConfig(file string) func(*app.Config) {
	return func(cfg *app.Config) {
		cfg.ConfigFile = file
		cfg.AllowAPIBaseURL = "loopback"
		cfg.AllowPrivateFetch = true
		cfg.HookTick = 100 * time.Millisecond
	}
}

// hookCall is one delivery the integrator's endpoint received.
type hookCall struct {
	sig  string
	body []byte
}

// customerWrites posts a customer's text to the page's webhook, signed
// with the app secret, as Facebook does.
func customerWrites(t *testing.T, srv *server, psid, mid, text string) {
	t.Helper()
	body := fakegraph.TextEvent(ncPageID, psid, mid, text, time.Now())
	resp, err := fakegraph.PostSigned(testContext(t), nil, srv.URL+"/webhooks/facebook", body, ncAppSecret)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %s", resp.Status)
	}
}

// waitSent waits until the fake Graph API was asked to send text to psid.
func waitSent(t *testing.T, graph *fakegraph.Server, psid, text string) {
	t.Helper()
	calls, cancel := graph.Subscribe(psid)
	defer cancel()
	for _, c := range graph.SentTo(psid) {
		if c.Text == text {
			return
		}
	}
	timeout := time.After(stepTimeout)
	for {
		select {
		case c := <-calls:
			if c.Text == text {
				return
			}
		case <-timeout:
			var got []string
			for _, c := range graph.SentTo(psid) {
				got = append(got, c.Text)
			}
			t.Fatalf("%s was not sent %q within %s; sent: %q", psid, text, stepTimeout, got)
		}
	}
}

// exportConfig signs in as an admin and downloads the configuration, as
// Admin → Scenarios' "Export configuration" link does.
func exportConfig(t *testing.T, base, user, password string) []byte {
	t.Helper()
	return adminGet(t, base, user, password, "/api/admin/config")
}

// adminGet signs in as user and returns the body of GET path.
func adminGet(t *testing.T, base, user, password, path string) []byte {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: stepTimeout}
	login := strings.NewReader(`{"username":"` + user + `","password":"` + password + `"}`)
	resp, err := c.Post(base+"/api/login", "application/json", login)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s: %s", user, resp.Status)
	}
	resp, err = c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body
}
