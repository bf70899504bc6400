package loadtest

import (
	"strings"
	"testing"
)

func TestReadSSE(t *testing.T) {
	stream := "retry: 2000\n\n" +
		"id: 7\nevent: message\ndata: {\"a\":1}\n\n" +
		": ping\n\n" +
		"id: 8\nevent: chat.assigned\ndata: line one\ndata: line two\n\n" +
		"id: 9\nevent: cut off"
	var got []sseEvent
	if err := readSSE(strings.NewReader(stream), func(e sseEvent) { got = append(got, e) }); err != nil {
		t.Fatal(err)
	}
	want := []sseEvent{{id: 7, typ: "message", data: `{"a":1}`}, {id: 8, typ: "chat.assigned", data: "line one\nline two"}}
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if g := got[i]; g.id != w.id || g.typ != w.typ || g.data != w.data || g.at.IsZero() {
			t.Errorf("event %d = %+v, want %+v", i, g, w)
		}
	}
}

func TestNonce(t *testing.T) {
	text := messageText("123456", 17, 3)
	n, ok := nonceOf("123456", text)
	if !ok || n != "bench 123456.17.3" {
		t.Fatalf("nonceOf(%q) = %q, %v", text, n, ok)
	}
	if _, ok := nonceOf("654321", text); ok {
		t.Error("another run's nonce was taken for this run's")
	}
	if c, ok := customerOf(n); !ok || c != 17 {
		t.Errorf("customerOf = %d, %v", c, ok)
	}
	if r, ok := replyNonce("123456", replyText(n)); !ok || r != n {
		t.Errorf("replyNonce = %q, %v", r, ok)
	}
	if _, ok := replyNonce("123456", text); ok {
		t.Error("a customer's message was taken for a reply")
	}
}

func TestParseStatus(t *testing.T) {
	m, err := parseStatus([]byte("Name:\tparley\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t9\n"))
	if err != nil || m.RSS != 100<<20 || m.Peak != 200<<20 {
		t.Fatalf("parseStatus = %+v, %v", m, err)
	}
	if _, err := parseStatus([]byte("Name:\tkthreadd\n")); err == nil {
		t.Error("a status without VmRSS was read")
	}
}
