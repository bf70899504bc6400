package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// screenArticle is the demo's "My screen is broken or cracked"
// (app/demo_kb/01-broken-screen.md) as the agent inserts it: plain text,
// numbered steps, no Markdown.
const screenArticle = "Sorry to hear that! Here is what you can do:\n\n" +
	"1. Bring it to a store. Most screens are replaced within the day at any of our repair counters.\n" +
	"2. Send it by mail. Book a free courier pick-up from My orders → Repair; we send it back within 5 working days.\n\n" +
	"A cracked screen is covered by the warranty only if the damage was not caused by a fall or a knock. Screen insurance covers it either way."

// TestDeskKB: the Agent Desktop's Knowledge tab. The agent of a Support
// chat sees the demo's published articles for Support and every service
// (not Billing's, not a draft), searches, reads an article rendered,
// inserts the link to its public page and the answer as plain text into
// the composer — nothing is sent until she presses Send — and the
// customer receives both.
func TestDeskKB(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	// A supervisor's draft about screens: agents never see it.
	sam := apiLogin(t, srv.URL, "sam", "sam-demo")
	sam.call("POST", "/api/kb/articles", map[string]any{"title": "Screen protectors (draft)", "body": "A cracked screen? Sell a screen protector.",
		"language": "en", "service": "Support", "published": false}, nil)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.goReady()
	kai := openSimulator(t, browser, srv, "Kai", "Moreau", chromedp.WithNewBrowserContext())
	kai.sendAsCustomer("My screen is cracked, what can I do?")
	alice.openChatWith("Kai Moreau")

	// The book button opens the Knowledge tab with the search focused,
	// listing the articles for the chat's service (Support) and for all.
	alice.pageClick("#kb-button")
	alice.waitFor("the Knowledge tab", `() => document.querySelector("#tab-kb").getAttribute("aria-selected") === "true" &&
		!document.querySelector("#kb-panel").hidden && document.querySelector("#customer-view").hidden && document.activeElement?.id === "kb-search"`)
	alice.waitFor("the 10 articles of Support and every service", `() => document.querySelectorAll("#kb-results .kb-hit").length === 10 &&
		document.querySelector("#kb-status").textContent === "Recently updated for Support"`)
	titles := eval[[]string](alice, `[...document.querySelectorAll("#kb-results .kb-hit-title")].map((e) => e.textContent)`)
	for _, hidden := range []string{"Returns and refunds", "My payment was declined", "Screen protectors (draft)"} {
		if strings.Contains(strings.Join(titles, "\n"), hidden) {
			t.Errorf("the Support chat's list %q shows %q", titles, hidden)
		}
	}

	// Search: Billing's refund article is not this chat's.
	alice.do("search refund", typeInto(chromedp.ID("kb-search"), "refund"))
	alice.waitFor("no match", `() => document.querySelector("#kb-status").textContent === "No article for Support matches “refund”." &&
		!document.querySelector("#kb-results .kb-hit")`)
	alice.do("clear the search", chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector("#kb-search"); s.value = ""; s.dispatchEvent(new Event("input")); })()`))
	alice.do("search cracked screen", typeInto(chromedp.ID("kb-search"), "cracked screen"))
	alice.waitFor("the screen article first", `() => { const h = document.querySelector("#kb-results .kb-hit");
		return h && h.querySelector(".kb-hit-title").textContent === "My screen is broken or cracked" && h.querySelector(".kb-hit-snippet").textContent.startsWith("Sorry to hear that!") &&
			![...document.querySelectorAll("#kb-results .kb-hit-title")].some((e) => e.textContent.includes("draft")) }`)
	alice.shootViewport("desk-kb-results")
	alice.do("↓ to the first result", chromedp.KeyEvent(kb.ArrowDown))
	alice.waitFor("the first result focused", `() => document.activeElement === document.querySelector("#kb-results .kb-hit")`)
	articleID := eval[string](alice, `document.activeElement.dataset.article`)

	// Read it: the server's rendered, sanitised HTML.
	alice.pageClick("#kb-results .kb-hit")
	alice.waitFor("the article", `() => { const a = document.querySelector("#kb-article"); return !a.hidden &&
		a.querySelector("#kb-article-title").textContent === "My screen is broken or cracked" &&
		a.querySelectorAll(".kb-body ol > li").length === 2 && a.querySelector(".kb-body strong")?.textContent === "Bring it to a store." }`)
	alice.shootViewport("desk-kb-article")

	// Insert the link after what the agent typed: the absolute public URL.
	alice.do("type", typeInto(chromedp.ID("composer"), "Here is our guide:"))
	alice.pageClick("#kb-insert-link")
	link := eval[string](alice, `document.querySelector("#composer").value.slice("Here is our guide: ".length)`)
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(srv.URL) + `/kb/[^/]+/articles/` + regexp.QuoteMeta(articleID) + `$`).MatchString(link) {
		t.Fatalf("composer after Insert link = %q, want %s/kb/{tenant}/articles/%s after the text", eval[string](alice, `document.querySelector("#composer").value`), srv.URL, articleID)
	}
	if body := publicPage(t, link); !strings.Contains(body, "My screen is broken or cracked") {
		t.Errorf("the inserted link %s does not serve the article", link)
	}

	// Insert the answer below it: plain text, nothing sent yet.
	alice.pageClick("#kb-insert-answer")
	want := "Here is our guide: " + link + "\n\n" + screenArticle
	alice.waitFor("the answer in the composer", `(want) => document.querySelector("#composer").value === want && !document.querySelector("#send-button").disabled`, want)
	if n := eval[int](alice, `document.querySelectorAll("#transcript .msg.from-agent").length`); n != 0 {
		t.Fatalf("inserting sent %d messages", n)
	}
	alice.shootViewport("desk-kb-inserted")

	// Esc goes back to the results; the agent sends with the button.
	alice.do("Esc", chromedp.Focus(chromedp.CSS("#kb-article .kb-back"), chromedp.NodeVisible), chromedp.KeyEvent(kb.Escape))
	alice.waitFor("the results again", `() => document.querySelector("#kb-article").hidden && !document.querySelector("#kb-results").closest("[hidden]") &&
		document.activeElement === document.querySelector("#kb-results .kb-hit")`)
	alice.pageClick("#send-button")
	alice.waitFor("the reply in the transcript", `() => [...document.querySelectorAll("#transcript .msg.from-agent")].some((m) => m.textContent.includes("Bring it to a store.")) &&
		document.querySelector("#composer").value === ""`)
	kai.waitFor("the customer to receive it", `(want) => [...document.querySelectorAll("#sim-thread .bubble.page")].some((b) => b.textContent === want)`, want)

	// Richer articles: lists nest, links are spelled out, code keeps its
	// lines, tables become rows; a long one is cut at a paragraph and ends
	// with its link.
	const rich = `<h2>Steps</h2><ul><li>One <a href="https://shop.example.com/a">guide</a></li><li><p>Two</p><ul><li>Nested</li></ul></li></ul>` +
		"<pre><code>code  line\nsecond\n</code></pre><p>Line<br>break</p><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
	plain := run(alice, "plainText", chromedp.Evaluate[string](fmt.Sprintf(`import("/static/desk-kb.js").then((m) => m.plainText(%q))`, rich), chromedp.EvalAwaitPromise))
	if want := "Steps\n\n• One guide (https://shop.example.com/a)\n• Two\n  • Nested\n\ncode  line\nsecond\n\nLine\nbreak\n\nA | B\n1 | 2"; plain != want {
		t.Errorf("plainText = %q, want %q", plain, want)
	}
	long := run(alice, "answerText", chromedp.Evaluate[string](`import("/static/desk-kb.js").then((m) =>
		m.answerText({ url: "/kb/t/articles/a1", html: Array.from({ length: 30 }, (_, i) => "<p>Paragraph " + i + " " + "word ".repeat(16) + "end.</p>").join("") }))`, chromedp.EvalAwaitPromise))
	if tail := " …\n\nThe whole article: " + srv.URL + "/kb/t/articles/a1"; !strings.HasSuffix(long, tail) || len(long)-len(tail) > 1000 ||
		!strings.HasSuffix(strings.TrimSuffix(long, tail), "end.") {
		t.Errorf("a long article's answer = %q, want whole paragraphs under 1000 characters, then its link", long)
	}

	// The customer tab is one click away.
	alice.pageClick("#tab-customer")
	alice.waitFor("the customer tab", `() => !document.querySelector("#customer-view").hidden && document.querySelector("#kb-panel").hidden &&
		document.querySelector("#customer-name").textContent.trim() === "Kai Moreau"`)

	// Narrower, the panel is a drawer: Alt+K opens it on Knowledge; Esc
	// clears the search, a second Esc closes the drawer.
	alice.do("a 1024×768 screen", chromedp.EmulateViewport(1024, 768))
	alice.waitFor("the panel folded", `() => getComputedStyle(document.querySelector("#customer-panel")).display === "none"`)
	alice.altKey("k")
	alice.waitFor("the Knowledge drawer", `() => { const p = document.querySelector("#customer-panel").getBoundingClientRect();
		return p.width > 200 && p.right <= innerWidth && !document.querySelector("#kb-panel").hidden && document.activeElement?.id === "kb-search" }`)
	alice.shootViewport("desk-kb-drawer")
	alice.do("Esc", chromedp.KeyEvent(kb.Escape))
	alice.waitFor("the search cleared, all articles listed", `() => document.querySelector("#kb-search").value === "" &&
		document.querySelectorAll("#kb-results .kb-hit").length === 10 && getComputedStyle(document.querySelector("#customer-panel")).display !== "none"`)
	alice.do("Esc", chromedp.KeyEvent(kb.Escape))
	alice.waitFor("the drawer closed", `() => getComputedStyle(document.querySelector("#customer-panel")).display === "none"`)
}

// pageClick clicks the element sel finds, in the page, once it is there,
// shown and enabled (chromedp.Click races the page's redraws).
func (tb *tab) pageClick(sel string) {
	tb.t.Helper()
	tb.waitFor(sel, `(sel) => { const e = document.querySelector(sel); return !!e && !e.disabled && !e.closest("[hidden]") }`, sel)
	tb.do("click "+sel, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).click()`, sel)))
}

// shootViewport saves the viewport to the temporary directory for people
// to look at (as screenshot does the full page, in testdata/screenshots).
func (tb *tab) shootViewport(name string) {
	tb.t.Helper()
	tb.screenshot(name)
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return
	}
	path := filepath.Join(os.TempDir(), "parley-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Logf("screenshot %s: %v", name, err)
		return
	}
	tb.t.Logf("%s: screenshot %s", tb.name, path)
}

// publicPage GETs a public page and returns its body.
func publicPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	return string(b)
}
