package vonage_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/vonage"
)

func TestDownload(t *testing.T) {
	var auth string
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("PNGDATA1"))
	}))
	defer media.Close()
	ch := vonage.New(nil)

	acct := testAccount(t, media.URL, vonage.RouteWhatsApp, "1") // media on the API host: JWT
	f, err := ch.Download(context.Background(), acct, &parley.InboundAttachment{Type: "image", URL: media.URL + "/v3/media/abc"}, 100)
	if err != nil || f.Name != "abc" || f.ContentType != "image/png" || f.Size != 8 || string(f.Data) != "PNGDATA1" {
		t.Fatalf("file %+v, %v", f, err)
	}
	if !strings.HasPrefix(auth, "Bearer ") {
		t.Fatalf("auth to the API host = %q", auth)
	}

	other := testAccount(t, "https://api.nexmo.com", vonage.RouteWhatsApp, "1") // media elsewhere: no token
	if _, err := ch.Download(context.Background(), other, &parley.InboundAttachment{URL: media.URL + "/x.png", Name: "x.png"}, 100); err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		t.Fatalf("token sent to a third-party host: %q", auth)
	}

	if _, err := ch.Download(context.Background(), acct, &parley.InboundAttachment{URL: media.URL + "/big"}, 4); parley.ErrorCode(err) != parley.ETOOLARGE {
		t.Fatalf("limit: %v", err)
	}
	if _, err := ch.Download(context.Background(), acct, &parley.InboundAttachment{URL: "file:///etc/passwd"}, 4); parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("scheme: %v", err)
	}
}

func TestProfileNotFound(t *testing.T) {
	_, err := vonage.New(nil).Profile(context.Background(), testAccount(t, "", vonage.RouteMessenger, pageID), psid)
	if parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("err = %v", err)
	}
}
