package app_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/app"
)

// shortTimeout is the server's read, header and idle timeout in these tests.
const shortTimeout = 400 * time.Millisecond

func newShortTimeoutWorld(t *testing.T) *world {
	t.Helper()
	return newTunedWorld(t, filepath.Join(t.TempDir(), "parley.db"), func(c *app.Config) {
		c.Timeouts = app.Timeouts{ReadHeader: shortTimeout, Read: shortTimeout, Idle: shortTimeout}
	})
}

// TestServerClosesSlowClients trickles requests one byte at a time over a
// raw connection (as a slowloris client does) and leaves a connection
// idle; the server must close each connection well before 4 times its
// timeout, whereas the client would go on for much longer.
func TestServerClosesSlowClients(t *testing.T) {
	w := newShortTimeoutWorld(t)
	addr := strings.TrimPrefix(w.app.URL(), "http://")
	const head = "POST /webhooks/facebook HTTP/1.1\r\nHost: parley\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
	tests := []struct {
		name    string
		prefix  string // sent at once
		trickle string // then one byte every 50 ms, repeated
	}{
		{name: "body", prefix: head, trickle: "{"},
		{name: "headers", prefix: "POST /webhooks/facebook HTTP/1.1\r\n", trickle: "X"},
		{name: "idle keep-alive", prefix: "GET /healthz HTTP/1.1\r\nHost: parley\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			if _, err := io.WriteString(conn, tt.prefix); err != nil {
				t.Fatal(err)
			}
			stop := make(chan struct{})
			defer close(stop)
			if tt.trickle != "" {
				go trickle(conn, tt.trickle, stop)
			}
			limit := 4 * shortTimeout
			_ = conn.SetReadDeadline(start.Add(10 * limit))
			_, err = io.Copy(io.Discard, conn) // returns when the server closes
			if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
				t.Fatalf("the connection was still open after %v (timeout %v)", time.Since(start), shortTimeout)
			}
			if took := time.Since(start); took > limit {
				t.Fatalf("the server closed the connection after %v, want within %v", took, limit)
			}
		})
	}
}

// trickle writes b every 50 ms until stop is closed or a write fails.
func trickle(conn net.Conn, b string, stop <-chan struct{}) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if _, err := io.WriteString(conn, b); err != nil {
				return
			}
		}
	}
}

// TestEventStreamOutlivesReadTimeout checks that the read timeout does not
// cut the desktop's live event stream: a supervisor's stream opened before
// several read timeouts passed still delivers an event.
func TestEventStreamOutlivesReadTimeout(t *testing.T) {
	w := newShortTimeoutWorld(t)
	sam := w.login("sam", "sam-pass")
	req, _ := http.NewRequest(http.MethodGet, w.app.URL()+"/api/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := (&http.Client{Jar: sam.client.Jar}).Do(req) // no client timeout: a stream
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("events: %s", resp.Status)
	}
	time.Sleep(3 * shortTimeout)
	w.customerSays("m_stream", "Hello after a while")
	got := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				got <- sc.Text()
				return
			}
		}
		got <- "stream ended: " + errString(sc.Err())
	}()
	select {
	case line := <-got:
		if !strings.HasPrefix(line, "data: ") {
			t.Fatalf("no event: %s", line)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
}

func errString(err error) string {
	if err == nil {
		return "EOF"
	}
	return err.Error()
}

// TestSlowUploadOutlivesReadTimeout checks that an agent's file upload may
// take longer than the server's read timeout: its body arrives over three
// timeouts and is accepted.
func TestSlowUploadOutlivesReadTimeout(t *testing.T) {
	w := newShortTimeoutWorld(t)
	w.customerSays("m_1", "Hi")
	alice, chatID := connect(t, w)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "invoice.pdf")
	_, _ = fw.Write([]byte("%PDF-1.4 fake"))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, alice.base+"/api/chats/"+chatID+"/files", &slowReader{data: buf.Bytes(), chunks: 6, pause: shortTimeout / 2})
	req.ContentLength = int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := alice.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("slow upload: %s", resp.Status)
	}
}

// slowReader returns data in chunks with a pause before each.
type slowReader struct {
	data   []byte
	chunks int
	pause  time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := min(len(p), max(1, len(r.data)/r.chunks+1), len(r.data))
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}
