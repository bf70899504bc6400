package line_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/line"
)

func TestTestConnection(t *testing.T) {
	s, c, a := fake(t)
	got, err := c.TestConnection(context.Background(), a)
	if err != nil || !got.Valid || got.ID != botUserID || got.Name != "Shop" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if r := s.Requests()[0]; r.Method != "GET" || r.Path != "/v2/bot/info" || r.Header.Get("Authorization") != "Bearer "+token {
		t.Fatalf("request %s %s", r.Method, r.Path)
	}
	other := *a
	other.PageID = "Uffff"
	if got, _ = c.TestConnection(context.Background(), &other); got.Valid || got.Credentials || !strings.Contains(got.Reason, "Uffff") {
		t.Fatalf("wrong bot: %+v", got)
	}
	bad := *a
	bad.AccessToken = "revoked"
	if got, _ = c.TestConnection(context.Background(), &bad); got.Valid || !got.Credentials {
		t.Fatalf("bad token: %+v", got)
	}
}

func TestTestConnectionUnexpectedHost(t *testing.T) {
	page := "<html>" + strings.Repeat("captive portal login ", 100) + "</html>"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(page))
	}))
	a := account()
	a.APIBaseURL = ts.URL
	got, err := line.New(nil).TestConnection(context.Background(), a)
	if err != nil || got.Valid || got.Credentials || len(got.Reason) > 200 {
		t.Fatalf("got %+v (%d chars), %v", got, len(got.Reason), err)
	}
	ts.Close()
	if got, _ = line.New(nil).TestConnection(context.Background(), a); got.Valid || got.Credentials || !strings.Contains(got.Reason, "cannot reach") {
		t.Fatalf("network: %+v", got)
	}
}

func TestCheckHealth(t *testing.T) {
	s, c, a := fake(t)
	h, err := c.CheckHealth(context.Background(), a)
	if err != nil || !h.TokenOK || h.Subscribed || h.Error == "" || h.PageName != "Shop" {
		t.Fatalf("no endpoint: %+v, %v", h, err)
	}
	want := "https://cc.example.com/webhooks/line/shop"
	a.Settings = map[string]string{line.SettingWebhookURL: want}
	h, _ = c.CheckHealth(context.Background(), a)
	if !h.Resubscribed || h.Subscribed || !strings.Contains(h.Error, "Use webhook") {
		t.Fatalf("endpoint set but off: %+v", h)
	}
	if ep, _ := s.Endpoint(token); ep != want {
		t.Fatalf("endpoint %q", ep)
	}
	s.SetEndpoint(token, want, true)
	h, _ = c.CheckHealth(context.Background(), a)
	if !h.Subscribed || h.Resubscribed || h.Error != "" {
		t.Fatalf("healthy: %+v", h)
	}
	var put bool
	for _, r := range s.Requests() {
		if r.Method == "PUT" && r.Path == "/v2/bot/channel/webhook/endpoint" && string(r.Body) == `{"endpoint":"`+want+`"}` {
			put = true
		}
	}
	if !put {
		t.Fatal("no PUT of the endpoint")
	}
}

func TestDownload(t *testing.T) {
	s, c, a := fake(t)
	data := []byte("\x89PNG\r\n\x1a\n fake")
	s.AddContent("354718705033693859", "image/png", data)
	att := &parley.InboundAttachment{Type: "image", MediaID: "354718705033693859"}
	f, err := c.Download(context.Background(), a, att, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if string(f.Data) != string(data) || f.Size != int64(len(data)) || f.ContentType != "image/png" || f.Name != "354718705033693859.png" {
		t.Fatalf("file %+v", f)
	}
	if r := s.Requests()[0]; r.Path != "/v2/bot/message/354718705033693859/content" || r.Header.Get("Authorization") != "Bearer "+token {
		t.Fatalf("request %s", r.Path)
	}
	if _, err := c.Download(context.Background(), a, att, 5); parley.ErrorCode(err) != parley.ETOOLARGE {
		t.Fatalf("limit: %v", err)
	}
	if _, err := c.Download(context.Background(), a, &parley.InboundAttachment{MediaID: "1"}, 100); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("gone: %v", err)
	}
	if _, err := c.Download(context.Background(), a, &parley.InboundAttachment{MediaID: "../info"}, 100); parley.ErrorCode(err) != parley.EINVALID {
		t.Fatalf("bad id: %v", err)
	}
}

// Without APIBaseURL the content comes from api-data.line.me and the rest
// from api.line.me.
func TestDefaultHosts(t *testing.T) {
	var hosts []string
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
	})}
	c, a := line.New(hc), account()
	_, _ = c.Download(context.Background(), a, &parley.InboundAttachment{MediaID: "1"}, 10)
	_, _ = c.Profile(context.Background(), a, user)
	want := []string{"https://api-data.line.me/v2/bot/message/1/content", "https://api.line.me/v2/bot/profile/" + user}
	if strings.Join(hosts, " ") != strings.Join(want, " ") {
		t.Fatalf("hosts %v", hosts)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestProfile(t *testing.T) {
	s, c, a := fake(t)
	s.SetProfile(user, fakelineProfile())
	p, err := c.Profile(context.Background(), a, user)
	if err != nil || p.FirstName != "LINE taro" || p.PictureURL != "https://profile.line-scdn.net/abc" {
		t.Fatalf("profile %+v %v", p, err)
	}
	if _, err := c.Profile(context.Background(), a, "Unotafriend"); parley.ErrorCode(err) != parley.ENOTFOUND {
		t.Fatalf("not a friend: %v", err)
	}
}

func TestReach(t *testing.T) {
	last := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	r := line.New(nil).Reach(account(), &parley.Customer{LastMessageAt: last}, last.Add(90*24*time.Hour))
	if r.State != parley.ReachOpen || !r.LastCustomerMessage.Equal(last) {
		t.Fatalf("reach %+v", r)
	}
}

func TestValidateAccount(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*parley.Account)
		field string
	}{
		{"ok", func(*parley.Account) {}, ""},
		{"name", func(a *parley.Account) { a.Name = "" }, "name"},
		{"type", func(a *parley.Account) { a.Type = "telegram" }, "type"},
		{"token", func(a *parley.Account) { a.AccessToken = "" }, "access_token"},
		{"secret", func(a *parley.Account) { a.AppSecret = "" }, "app_secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := account()
			tt.edit(a)
			err := line.New(nil).ValidateAccount(a)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("err = %v, want invalid naming %s", err, tt.field)
			}
		})
	}
}
