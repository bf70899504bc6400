package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds every single browser step; the browser itself lives
// as long as the test.
const stepTimeout = 20 * time.Second

// chromiumPath finds the browser: $PARLEY_CHROMIUM, then the usual names
// on $PATH. When there is none it skips the test, or fails it on CI.
func chromiumPath(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: skipped in -short mode")
	}
	if p := os.Getenv("PARLEY_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("PARLEY_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium: set PARLEY_CHROMIUM or install chromium (apt-get install -y chromium)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile and returns the
// context of its first tab. The browser ends with the test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	exe := chromiumPath(t)
	profile := t.TempDir() // removed after the browser is gone (cleanups run last-in first-out)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		// Background tabs must keep their timers and streams running.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.Env("TZ=UTC", "LANG=en_US.UTF-8"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser, with no timeout
		t.Fatalf("start %s: %v", exe, err)
	}
	return ctx
}

// tab is one browser tab, with what its page wrote to the console.
type tab struct {
	t    *testing.T
	name string
	ctx  context.Context

	mu      sync.Mutex
	console []string
}

// newTab opens a tab in the browser (a new target). When the test fails,
// the tab's screenshot and console end up in the test log. Pass
// chromedp.WithNewBrowserContext() for a tab with storage of its own, as a
// second person on another computer has.
func newTab(t *testing.T, browser context.Context, name string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, opts...)
	tb := &tab{t: t, name: name, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		cancel()
		t.Fatalf("%s: open tab: %v", name, err)
	}
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			tb.mu.Lock()
			tb.console = append(tb.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
			tb.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		// A CSP violation is a page that looks or works wrong for real users
		// (an unstyled widget, a blocked script) even when the steps passed.
		tb.mu.Lock()
		for _, line := range tb.console {
			if strings.Contains(line, "Content Security Policy") {
				t.Errorf("%s: the page broke its Content-Security-Policy: %s", name, line)
			}
		}
		tb.mu.Unlock()
		if t.Failed() {
			tb.screenshot("FAILED-" + name)
			tb.mu.Lock()
			t.Logf("%s: console:\n\t%s", name, strings.Join(tb.console, "\n\t"))
			tb.mu.Unlock()
		}
		cancel()
	})
	return tb
}

// do runs steps that return nothing, within stepTimeout.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
}

// run runs one action within stepTimeout and returns its value.
func run[T any](tb *tab, what string, a chromedp.Action[T]) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, what, err)
	}
	return v
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	return run(tb, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// waitFor polls a JavaScript predicate until it is truthy. The predicate
// gets args as its arguments.
func (tb *tab) waitFor(what, fn string, args ...any) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout+5*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.PollFunction[chromedp.Void](fn,
		chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(stepTimeout),
		chromedp.WithPollingArgs(args...)))
	if err != nil {
		if errors.Is(err, chromedp.ErrPollingTimeout) {
			err = fmt.Errorf("not within %s", stepTimeout)
		}
		tb.t.Fatalf("%s: wait for %s: %v", tb.name, what, err)
	}
}

// waitText waits until an element matching sel holds text.
func (tb *tab) waitText(sel, text string) {
	tb.t.Helper()
	tb.waitFor(fmt.Sprintf("%q in %s", text, sel),
		`(sel, text) => [...document.querySelectorAll(sel)].some((e) => e.textContent.includes(text))`, sel, text)
}

// pressEnter sends the Enter key alone (no character event), as a person
// pressing Enter in a text field does.
func (tb *tab) pressEnter() {
	tb.t.Helper()
	tb.do("press Enter", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13,
			}); err != nil {
				return err
			}
		}
		return nil
	}))
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// screenshot saves a full-page PNG to testdata/screenshots/NAME.png. It only
// logs errors: a screenshot is for people, not a check.
func (tb *tab) screenshot(name string) {
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("%s: screenshot %s: %v", tb.name, name, err)
		return
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	path := filepath.Join(dir, unsafeName.ReplaceAllString(name, "_")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Logf("screenshot: %v", err)
		return
	}
	tb.t.Logf("%s: screenshot %s", tb.name, path)
}

// typeInto types v into the first visible element sel finds, as
// chromedp.SendKeys does. SendKeys reads the node's attributes outside the
// node's lock: a data race under -race whenever the page changes that
// element's attributes (hidden, disabled) while the test types.
func typeInto[S chromedp.Selectable](sel S, v string, opts ...chromedp.QueryOption) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Focus(sel, append(opts, chromedp.NodeVisible)...),
		chromedp.KeyEvent(v),
	)
}
