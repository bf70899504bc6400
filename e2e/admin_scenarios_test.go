package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminScenarioEdit is the scenario issue's "done when" in a browser:
// an admin opens /admin/scenarios, breaks the demo scenario (an exit that
// points nowhere), sees the problem with its line and block, fixes it,
// changes the greeting and publishes; a new simulator chat follows the new
// version.
func TestAdminScenarioEdit(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	adm := newTab(t, browser, "admin")
	adm.signIn(srv, "admin", "admin-demo", "/admin/scenarios", "scenario-yaml")
	adm.waitFor("the scenario list", `() => [...document.querySelectorAll("#scenario-list .scn-item")].some((b) => b.textContent.startsWith("messenger-chat ·"))`)
	adm.do("open messenger-chat", chromedp.Evaluate[chromedp.Void](
		`[...document.querySelectorAll("#scenario-list .scn-item")].find((b) => b.textContent.startsWith("messenger-chat ·")).click()`))
	adm.waitFor("its YAML", `() => document.querySelector("#editor-title").textContent === "messenger-chat" &&
		document.querySelector("#scenario-yaml").value.includes("closed: goodbye")`)

	// The mistake: the If's exit points at a block that does not exist.
	broken := eval[string](adm, `(() => { const ta = document.querySelector("#scenario-yaml");
		ta.value = ta.value.replace("closed: goodbye", "closed: good-bye"); return ta.value })()`)
	wantLine := strings.Count(broken[:strings.Index(broken, "closed: good-bye")], "\n") + 1
	adm.do("validate", chromedp.Click(chromedp.ID("scenario-validate")))
	adm.waitFor("the problem", `() => document.querySelectorAll("#scenario-problems li").length > 0`)
	problem := eval[string](adm, `document.querySelector("#scenario-problems li").textContent`)
	if !strings.HasPrefix(problem, fmt.Sprintf("line %d · hours ", wantLine)) || !strings.Contains(problem, `exits.closed: points to unknown block "good-bye"`) {
		t.Fatalf("problem shown = %q, want line %d, block hours, naming good-bye", problem, wantLine)
	}
	if st := eval[string](adm, `document.querySelector("#scenario-status").dataset.kind`); st != "error" {
		t.Errorf("status kind = %q, want error", st)
	}
	adm.screenshot("admin-scenarios-error")
	// Publishing the broken version is refused.
	adm.do("publish the broken version",
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#scenario-status"); s.textContent = ""; s.dataset.kind = "";
			document.querySelector("#scenario-problems").replaceChildren(); })()`),
		chromedp.Click(chromedp.ID("scenario-publish")))
	adm.waitFor("the refusal", `() => document.querySelector("#scenario-status").dataset.kind === "error" &&
		document.querySelector("#scenario-status").textContent === "The scenario has errors" &&
		document.querySelectorAll("#scenario-problems li").length > 0`)

	// The problem's line button selects the line in the editor.
	adm.do("go to the line", chromedp.Click(chromedp.CSS("#scenario-problems .scn-where")))
	if sel := eval[string](adm, `(() => { const ta = document.querySelector("#scenario-yaml"); return ta.value.slice(ta.selectionStart, ta.selectionEnd) })()`); !strings.Contains(sel, "closed: good-bye") {
		t.Errorf("selected text = %q, want the line with the mistake", sel)
	}

	// Fix it, change the greeting, validate, publish.
	adm.do("fix and edit", chromedp.Evaluate[chromedp.Void](`(() => { const ta = document.querySelector("#scenario-yaml");
		ta.value = ta.value.replace("closed: good-bye", "closed: goodbye")
			.replace("Hi $(first_name)! Thanks for writing to Parley Demo Co.", "Hello $(first_name)! This is version two."); })()`))
	adm.do("validate again", chromedp.Click(chromedp.ID("scenario-validate")))
	adm.waitFor("valid", `() => document.querySelector("#scenario-status").dataset.kind === "ok" &&
		document.querySelectorAll("#scenario-problems li").length === 0`)
	adm.do("publish", chromedp.Click(chromedp.ID("scenario-publish")))
	adm.waitText("#scenario-status", "Published messenger-chat v2")
	adm.waitFor("the new version in the list", `() => [...document.querySelectorAll("#scenario-list .scn-item")].some((b) => b.textContent === "messenger-chat · v2")`)
	adm.screenshot("admin-scenarios")

	// A new chat follows version 2.
	sim := openSimulator(t, browser, srv, "Vera", "Nova")
	sim.sendAsCustomer("Hello")
	sim.waitText("#sim-thread .bubble.page", "Hello Vera! This is version two.")
	sim.waitText("#sim-thread .bubble.page", "Let me find someone to help you.")
	if n := eval[int](sim, `[...document.querySelectorAll("#sim-thread .bubble.page")].filter((b) => b.textContent.includes("Thanks for writing to Parley Demo Co.")).length`); n != 0 {
		t.Errorf("the new chat got the old greeting %d time(s)", n)
	}
	sim.screenshot("admin-scenarios-simulator")
}
