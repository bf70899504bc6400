package viber_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/viber"
)

func asAPI(err error, target **viber.APIError) bool { return errors.As(err, target) }

func TestDownload(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(viber.AuthHeader) != "" {
			t.Error("download must be a plain GET")
		}
		switch r.URL.Path {
		case "/pic.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("0123456789"))
		case "/stream":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte("0123456789"))
			w.(http.Flusher).Flush() // no Content-Length
			w.Write([]byte("0123456789"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ch := viber.New(nil)
	acct := testAccount("")
	f, err := ch.Download(context.Background(), acct, &parley.InboundAttachment{Type: "image", URL: srv.URL + "/pic.jpg"}, 100)
	if err != nil || f.Name != "pic.jpg" || f.ContentType != "image/jpeg" || f.Size != 10 || string(f.Data) != "0123456789" {
		t.Fatalf("file = %+v, err %v", f, err)
	}
	for _, p := range []string{"/pic.jpg", "/stream"} {
		_, err = ch.Download(context.Background(), acct, &parley.InboundAttachment{URL: srv.URL + p}, 5)
		if parley.ErrorCode(err) != parley.ETOOLARGE {
			t.Fatalf("%s: err = %v, want ETOOLARGE", p, err)
		}
	}
	if _, err = ch.Download(context.Background(), acct, &parley.InboundAttachment{URL: srv.URL + "/gone"}, 100); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("expired: %v", err)
	}
}

func TestProfileNotFound(t *testing.T) {
	_, err := viber.New(nil).Profile(context.Background(), testAccount(""), customerID)
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("err = %v", err)
	}
}

func TestReachOpen(t *testing.T) {
	r := viber.New(nil).Reach(testAccount(""), &parley.Customer{}, time.Now())
	if r.State != parley.ReachOpen {
		t.Fatalf("reach = %+v", r)
	}
}
