package simulator_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/messenger"
	"github.com/parleycc/parley/simulator"
)

// sseEvent is one Server-Sent Event of the simulator's reply stream.
type sseEvent struct {
	Type  string
	Reply simulator.Reply
}

// openStream opens /simulator/api/stream for a customer and returns its
// events as they are read.
func openStream(t *testing.T, r *rig, channel, user string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.srv.URL+"/simulator/api/stream?channel="+channel+"&user="+user, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stream: HTTP %d", resp.StatusCode)
	}
	events := make(chan sseEvent, 16)
	go func() {
		defer resp.Body.Close()
		defer close(events)
		var typ string
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				typ = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				var m simulator.Reply
				if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &m) == nil {
					events <- sseEvent{typ, m}
				}
			}
		}
	}()
	return events
}

func next(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case e, ok := <-events:
		if !ok {
			t.Fatal("the stream ended")
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10s")
	}
	return sseEvent{}
}

// TestSimStreamReplays: a reply sent before the stream opens comes first
// on it, as a replay. The page's fetch of the thread may have been
// answered before that reply was sent, so the stream is the only place
// left to show it (the demo's greeting after a Send to Messenger click).
// What is sent later comes as a message.
func TestSimStreamReplays(t *testing.T) {
	r := newRig(t)
	acct := &parley.Account{ID: "acct-1", Type: messenger.Type, PageID: "104329875512345", AccessToken: "page-token",
		AppSecret: "app-secret", APIBaseURL: r.srv.URL + simulator.GraphPath, Active: true}
	ch := messenger.New(http.DefaultClient)
	const psid = "2401123456789012"
	r.send(map[string]any{"psid": psid, "first_name": "Mia", "text": "Hello"})
	r.sendAs(ch, acct, psid, parley.Reply{Text: "Hi Mia!"})

	events := openStream(t, r, "messenger", psid)
	if e := next(t, events); e.Type != "replay" || e.Reply.Text != "Hi Mia!" {
		t.Fatalf("first event: %s %q, want the reply sent before as a replay", e.Type, e.Reply.Text)
	}
	r.sendAs(ch, acct, psid, parley.Reply{Text: "How can we help?"})
	if e := next(t, events); e.Type != "message" || e.Reply.Text != "How can we help?" {
		t.Fatalf("next event: %s %q, want the new reply as a message", e.Type, e.Reply.Text)
	}
}
