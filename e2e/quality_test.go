package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestMonitorWhisperBarge is the supervision walk-through of the demo: a
// supervisor opens a live chat from the Supervisor page (silent monitor,
// labelled so, following the chat live), whispers to the agent (shown to
// the agent, never to the customer), barges in and writes to the
// customer; after the agent closes, the customer answers the survey, and
// the supervisor finds the transcript, with the survey's score, and
// grades it.
func TestMonitorWhisperBarge(t *testing.T) {
	chromiumPath(t)
	srv := startServer(t)
	browser := newBrowser(t)

	alice := loginAs(t, browser, srv, "alice", "alice-demo", "/desktop")
	alice.goReady()
	sim := openSimulator(t, browser, srv, "Nora", "Quinn", chromedp.WithNewBrowserContext())
	sim.sendAsCustomer("I was charged twice for my order")
	alice.openChatWith("Nora Quinn")

	// Silent monitor, opened from the open chats table.
	sup := loginAs(t, browser, srv, "sam", "sam-demo", "/supervisor")
	sup.waitText("#chats tbody tr", "Nora Quinn")
	href := eval[string](sup, `document.querySelector("#chats tbody tr a.monitor-link").href`)
	sup.do("open the monitor", chromedp.Navigate(href), chromedp.WaitVisible(chromedp.ID("monitor-mode")))
	sup.waitFor("the monitor", `() => document.body.dataset.loaded === "true" && document.querySelector("#conn-status").dataset.state === "live"`)
	sup.waitFor("the silent label", `() => document.querySelector("#monitor-mode").dataset.mode === "silent" &&
		document.querySelector("#monitor-mode").textContent.includes("Silent monitor")`)
	sup.waitText("#mon-transcript .tr-in", "I was charged twice")
	// It follows the chat live.
	sim.sendAsCustomer("Order 4821")
	sup.waitText("#mon-transcript .tr-in", "Order 4821")
	alice.reply("Let me check that for you", false)
	sup.waitText("#mon-transcript .tr-out", "Let me check that for you")
	sup.screenshot("monitor-silent")

	// Whisper: the agent sees it, the customer does not.
	const whisper = "It is a known double charge: refund it"
	sup.do("whisper", typeInto(chromedp.ID("whisper-text"), whisper), chromedp.Click(chromedp.ID("whisper-send")))
	sup.waitText("#mon-transcript .tr-whisper", whisper)
	alice.waitText("#transcript .msg.whisper", whisper)
	alice.waitText("#transcript .msg.whisper .whisper-label", "Whisper from Sam Rivera")
	alice.screenshot("desktop-whisper")
	alice.reply("I have refunded the second charge", false)
	sim.waitText("#sim-thread .bubble.page", "I have refunded the second charge")
	if eval[bool](sim, `document.querySelector("#sim-thread").textContent.includes("known double charge")`) {
		t.Fatal("the customer sees the whisper")
	}

	// Barge in: the supervisor writes to the customer.
	sup.do("barge in", chromedp.Click(chromedp.ID("barge")))
	sup.waitFor("the barged label", `() => document.querySelector("#monitor-mode").dataset.mode === "barged" && !document.querySelector("#barge-form").hidden`)
	sup.do("write to the customer", typeInto(chromedp.ID("barge-text"), "Sam here, the supervisor: sorry for the trouble"),
		chromedp.Click(chromedp.ID("barge-send")))
	sim.waitText("#sim-thread .bubble.page", "Sam here, the supervisor")
	alice.waitText("#transcript .msg.out", "Sam here, the supervisor")
	sup.waitText("#mon-transcript .tr-system", "Sam Rivera (supervisor) joined the conversation.")
	sup.screenshot("monitor-barged")

	// The agent closes; the customer answers the survey.
	alice.do("close the chat", chromedp.Click(chromedp.ID("close-chat")))
	sim.waitText("#sim-thread .bubble.page", "How satisfied are you with our help?")
	sim.waitFor("the score chips", `() => [...document.querySelectorAll("#sim-thread .chip, .chip")].some((c) => c.textContent === "5")`)
	sim.screenshot("simulator-survey")
	sim.do("tap 5", chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll(".chip")].find((c) => c.textContent === "5").click()`))
	sim.waitText("#sim-thread .bubble.page", "Anything you would like to tell us?")
	sim.sendAsCustomer("Fast and friendly")
	sim.waitText("#sim-thread .bubble.page", "Thank you for your feedback!")

	// Transcripts: find the chat by a word, read the survey, grade it.
	sup.do("open transcripts", chromedp.Navigate(srv.URL+"/transcripts"))
	sup.waitFor("the search", `() => document.body.dataset.loaded === "true"`)
	sup.do("search", typeInto(chromedp.ID("tr-q"), "refunded"), chromedp.Click(chromedp.ID("tr-go")))
	sup.waitFor("one result", `() => document.querySelector("#tr-table").dataset.query === "q=refunded" && document.querySelectorAll("#tr-table tbody tr").length === 1`)
	sup.waitText("#tr-table tbody tr", "Nora Quinn")
	sup.do("open it", chromedp.Click(chromedp.CSS("#tr-table tbody tr")))
	sup.waitText("#tr-messages .tr-whisper", whisper)
	sup.waitText("#tr-survey .survey-score", "5 of 5")
	sup.do("answer the form", chromedp.Evaluate[chromedp.Void](`(() => {
		for (const q of document.querySelectorAll("#grade-questions .grade-q")) {
			const radios = q.querySelectorAll("input[type=radio]");
			radios[q.querySelector("input[value='5']") ? radios.length - 2 : 0].checked = true;
		}
		document.querySelector("#grade-comment").value = "Good recovery after a billing mistake";
	})()`))
	sup.do("save the grade", chromedp.Click(chromedp.ID("grade-submit")))
	sup.waitText("#tr-grades .grade-item", "Support quality")
	sup.screenshot("transcripts-graded")
	// The printable transcript, without script.
	sup.do("open the printable page", chromedp.Navigate(eval[string](sup, `document.querySelector("#tr-html").href`)))
	sup.waitText(".print-transcript h1", "Nora Quinn")
	sup.waitText(".print-whisper", whisper)
	sup.waitText(".print-grade h3", "Support quality")
	sup.screenshot("transcript-print")

	sup.do("open the forms", chromedp.Navigate(srv.URL+"/quality/forms"))
	sup.waitFor("the forms", `() => document.body.dataset.loaded === "true"`)
	sup.waitText("#form-view", "Solved the customer's problem")
	sup.screenshot("quality-forms")
	// Edited in the browser: a mistake is named by its line, a fix saved
	// as the next version.
	sup.do("break the form", chromedp.Evaluate[chromedp.Void](`(() => {
		const ta = document.querySelector("#form-yaml");
		ta.value = ta.value.replace("scale: 1-5", "scale: 1-10");
	})()`), chromedp.Click(chromedp.ID("form-save")))
	sup.waitText("#form-error", `sections[1].questions[0].scale: must be yes_no or 1-5, not "1-10"`)
	if msg := eval[string](sup, `document.querySelector("#form-error").textContent`); !strings.HasPrefix(msg, "form:") {
		t.Errorf("form error %q does not name its line", msg)
	}
	sup.screenshot("quality-forms-error")
	sup.do("fix the form", chromedp.Evaluate[chromedp.Void](`(() => {
		const ta = document.querySelector("#form-yaml");
		ta.value = ta.value.replace("scale: 1-10", "scale: 1-5").replace("weight: 4", "weight: 5");
	})()`), chromedp.Click(chromedp.ID("form-save")))
	sup.waitText("#form-title", "version 2")
	sup.waitText("#form-view", "Solved the customer's problem — 1 to 5, weight 5")
}
