package app_test

import (
	"bytes"
	"context"
	"fmt"
	"github.com/parleycc/parley/app"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"text/template"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/channel/messenger/fakegraph"
)

// flowConfig fills testdata/scenarios.yaml.
type flowConfig struct {
	Open        bool
	MaxQueue    int
	FindTimeout string
	AskTimeout  string
	Greeting    string
	TypingDelay string
	Reasons     string // not_ready_reasons as a YAML list, if set
}

func (c flowConfig) data(graphURL string) map[string]any {
	hours := "[]" // never open
	if c.Open {
		hours = `[{days: mon-sun, from: "00:00", to: "24:00"}]`
	}
	if c.FindTimeout == "" {
		c.FindTimeout = "10m"
	}
	if c.AskTimeout == "" {
		c.AskTimeout = "10m"
	}
	if c.Greeting == "" {
		c.Greeting = "Hi"
	}
	return map[string]any{"GraphURL": graphURL, "Hours": hours, "MaxQueue": c.MaxQueue,
		"FindTimeout": c.FindTimeout, "AskTimeout": c.AskTimeout, "Greeting": c.Greeting, "TypingDelay": c.TypingDelay, "Reasons": c.Reasons}
}

// flowWorld is a real server running testdata/scenarios.yaml.
type flowWorld struct {
	*world
	graphURL string
	routed   int // chats started by routedChat, for their first message ids
}

func newFlowWorld(t *testing.T, dsn string, c flowConfig, tune ...func(*app.Config)) *flowWorld {
	t.Helper()
	graph := fakegraph.New()
	graph.AddPage(pageID, "Acme", pageToken)
	gs := httptest.NewServer(graph)
	t.Cleanup(gs.Close)
	w := &flowWorld{world: &world{t: t, graph: graph, cfg: filepath.Join(t.TempDir(), "parley.yaml"), dsn: dsn}, graphURL: gs.URL}
	if len(tune) > 0 {
		w.tune = tune[0]
	}
	w.writeConfig(c)
	w.start()
	return w
}

// writeConfig rewrites the server's configuration file (an edit).
func (w *flowWorld) writeConfig(c flowConfig) {
	w.t.Helper()
	tmpl := template.Must(template.ParseFiles("testdata/scenarios.yaml"))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, c.data(w.graphURL)); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(w.cfg, buf.Bytes(), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// customer is one Messenger user writing to the page.
type customer struct {
	w    *flowWorld
	psid string
	n    int
}

func (w *flowWorld) customer(psid, first string) *customer {
	w.graph.SetProfile(psid, first, "Doe", "")
	return &customer{w: w, psid: psid}
}

func (c *customer) says(text string) {
	c.w.t.Helper()
	c.n++
	body := fakegraph.TextEvent(pageID, c.psid, fmt.Sprintf("m_%s_%d", c.psid, c.n), text, time.Now())
	if resp, msg := c.w.postWebhook(body, messenger.Sign(body, appSecret)); resp.StatusCode != http.StatusOK {
		c.w.t.Fatalf("webhook: %s %s", resp.Status, msg)
	}
}

// hears waits until the bot has sent exactly want to the customer, in
// order, and nothing else.
func (c *customer) hears(want ...string) {
	c.w.t.Helper()
	var got []string
	deadline := time.Now().Add(15 * time.Second)
	for {
		got = texts(c.w.graph.SentTo(c.psid))
		if slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) || len(got) > len(want) {
			c.w.t.Fatalf("bot said to %s:\n  %q\nwant\n  %q", c.psid, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// chat returns the customer's newest chat.
func (c *customer) chat() *parley.Chat {
	c.w.t.Helper()
	chats, err := c.w.app.Store.ScenarioChats(context.Background(), parley.DefaultTenant, "flow", 100)
	if err != nil {
		c.w.t.Fatal(err)
	}
	for _, ch := range chats {
		cust, err := c.w.app.Store.Customer(context.Background(), ch.CustomerID)
		if err == nil && cust.ExternalID == c.psid {
			return ch
		}
	}
	c.w.t.Fatalf("no chat for %s", c.psid)
	return nil
}

// closedEventually waits for the customer's chat to be closed.
func (c *customer) closedEventually() {
	c.w.t.Helper()
	eventually(c.w.t, "chat of "+c.psid+" to close", func() bool { return c.chat().State == parley.ChatClosed })
}
