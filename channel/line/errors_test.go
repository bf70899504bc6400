package line_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

func TestSendErrorClasses(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		class  string
		retry  time.Duration
	}{
		{"rate limited", 429, nil, `{"message":"Too many requests"}`, parley.SendRetry, 0},
		{"rate limited with retry-after", 429, map[string]string{"Retry-After": "5"}, `{"message":"Too many requests"}`, parley.SendRetry, 5 * time.Second},
		{"monthly limit", 429, nil, `{"message":"You have reached your monthly limit."}`, parley.SendPermanent, 0},
		{"server error", 500, nil, `{"message":"Internal server error"}`, parley.SendRetry, 0},
		{"gateway html", 502, nil, `<html>bad gateway</html>`, parley.SendRetry, 0},
		{"token", 401, nil, `{"message":"Authentication failed. Confirm that the access token in the authorization header is valid."}`, parley.SendCredentials, 0},
		{"bad request", 400, nil, `{"message":"The request body has 2 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}`, parley.SendPermanent, 0},
		{"forbidden", 403, nil, `{"message":"Access to this API is not available for your account"}`, parley.SendPermanent, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.Header().Set("X-Line-Request-Id", "req-1")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			a := account()
			a.APIBaseURL = ts.URL
			_, err := line.New(nil).Send(context.Background(), a, customer, &parley.Outgoing{MessageID: "m", Reply: parley.Reply{Text: "hi"}})
			var se *parley.SendError
			if !errors.As(err, &se) || se.Class != tt.class || se.RetryAfter != tt.retry {
				t.Fatalf("err = %#v, want class %s retry %v", err, tt.class, tt.retry)
			}
			var ae *line.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.RequestID != "req-1" {
				t.Fatalf("api error %+v", ae)
			}
		})
	}
}

func TestSendNetworkErrorIsRetry(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	a := account()
	a.APIBaseURL = ts.URL
	ts.Close()
	_, err := line.New(nil).Send(context.Background(), a, customer, &parley.Outgoing{Reply: parley.Reply{Text: "hi"}})
	var se *parley.SendError
	if !errors.As(err, &se) || se.Class != parley.SendRetry {
		t.Fatalf("err = %v, want retry", err)
	}
}

func TestFakeFaultsAndQuota(t *testing.T) {
	s, c, a := fake(t)
	send := func(id string) error {
		_, err := c.Send(context.Background(), a, customer, &parley.Outgoing{MessageID: id, Reply: parley.Reply{Text: "hi"}})
		return err
	}
	var se *parley.SendError
	s.SetFaults(100, 503)
	if err := send("a"); !errors.As(err, &se) || se.Class != parley.SendRetry {
		t.Fatalf("5xx: %v", err)
	}
	s.SetFaults(50, 429)
	failed := 0
	for _, id := range []string{"b", "c", "d", "e"} {
		if send(id) != nil {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d of 4 failed at 50%%", failed)
	}
	s.SetFaults(0, 0)
	s.SetQuota(0)
	if err := send("f"); !errors.As(err, &se) || se.Class != parley.SendPermanent {
		t.Fatalf("quota: %v", err)
	}
	a.AccessToken = "revoked"
	if err := send("g"); !errors.As(err, &se) || se.Class != parley.SendCredentials {
		t.Fatalf("token: %v", err)
	}
}
