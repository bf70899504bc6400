// Package e2e holds Parley's end-to-end browser tests. They start the whole
// application in-process in demo mode (SQLite in a temporary directory),
// drive a real headless Chromium through the Chrome DevTools Protocol
// (chromedp), and play both sides: a Messenger customer in the simulator
// and an agent in the Agent Desktop.
//
// Chromium is found through $PARLEY_CHROMIUM, then chromium,
// chromium-browser and google-chrome on $PATH. Without it the tests skip,
// except on CI (CI=true), where they fail. Screenshots of every page the
// tests visit go to testdata/screenshots/ (ignored by git).
//
// Set PARLEY_E2E_URL to run the tests against a server that already runs
// in demo mode instead of an in-process one.
package e2e
