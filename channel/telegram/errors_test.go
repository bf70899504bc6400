package telegram_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/telegram"
)

// TestSendErrorClasses answers sendMessage with the platform's documented
// error bodies and checks the class.
func TestSendErrorClasses(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		class  string
		retry  time.Duration
	}{
		{"rate limited", 429, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`, parley.SendRetry, 7 * time.Second},
		{"server error", 500, `{"ok":false,"error_code":500,"description":"Internal Server Error"}`, parley.SendRetry, 0},
		{"bad gateway html", 502, `<html><body>502 Bad Gateway</body></html>`, parley.SendRetry, 0},
		{"unauthorized", 401, `{"ok":false,"error_code":401,"description":"Unauthorized"}`, parley.SendCredentials, 0},
		{"not found", 404, `{"ok":false,"error_code":404,"description":"Not Found"}`, parley.SendCredentials, 0},
		{"blocked", 403, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`, parley.SendUnreachable, 0},
		{"deactivated", 403, `{"ok":false,"error_code":403,"description":"Forbidden: user is deactivated"}`, parley.SendUnreachable, 0},
		{"chat not found", 400, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`, parley.SendPermanent, 0},
		{"too long", 400, `{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}`, parley.SendPermanent, 0},
		{"ok false with 200", 200, `{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities"}`, parley.SendPermanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			a := account()
			a.APIBaseURL = ts.URL
			_, err := telegram.New(nil).Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
			var se *parley.SendError
			if !errors.As(err, &se) || se.Class != tt.class || se.RetryAfter != tt.retry {
				t.Fatalf("err = %#v, want class %s retry %v", err, tt.class, tt.retry)
			}
			if strings.Contains(err.Error(), botToken) {
				t.Fatalf("error reveals the token: %v", err)
			}
			var ae *telegram.APIError
			if !errors.As(err, &ae) {
				t.Fatalf("no APIError in %v", err)
			}
		})
	}
}

func TestSendNetworkErrorIsRetry(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	a := account()
	a.APIBaseURL = ts.URL
	ts.Close()
	_, err := telegram.New(nil).Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	var se *parley.SendError
	if !errors.As(err, &se) || se.Class != parley.SendRetry {
		t.Fatalf("err = %v, want retry", err)
	}
	if strings.Contains(err.Error(), botToken) {
		t.Fatalf("error reveals the token: %v", err)
	}
}

func TestFakeFaultsAndBlock(t *testing.T) {
	s, c, a := fake(t)
	s.SetFaults(100, 429, 3)
	_, err := c.Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	var se *parley.SendError
	if !errors.As(err, &se) || se.Class != parley.SendRetry || se.RetryAfter != 3*time.Second {
		t.Fatalf("err = %v", err)
	}
	s.SetFaults(50, 502, 0)
	failed := 0
	for range 4 {
		if _, err := c.Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}}); err != nil {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d of 4 failed at 50%%", failed)
	}
	s.SetFaults(0, 0, 0)
	s.Block(111222333)
	_, err = c.Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	if !errors.As(err, &se) || se.Class != parley.SendUnreachable {
		t.Fatalf("err = %v, want unreachable", err)
	}
	a.AccessToken = "123:unknown"
	_, err = c.Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	if !errors.As(err, &se) || se.Class != parley.SendCredentials {
		t.Fatalf("err = %v, want credentials", err)
	}
}
