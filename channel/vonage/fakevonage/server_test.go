package fakevonage_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/channel/vonage"
	"github.com/parleycc/parley/channel/vonage/fakevonage"
)

func do(t *testing.T, req *http.Request) (int, map[string]any, http.Header) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m, resp.Header
}

func TestEndpoints(t *testing.T) {
	fake := fakevonage.New()
	fake.AddAccount("key", "secret")
	srv := fake.Start()
	defer srv.Close()

	req, _ := http.NewRequest("GET", srv.URL+"/account/get-balance?api_key=key&api_secret=secret", nil)
	if code, m, _ := do(t, req); code != 200 || m["value"] != 10.28 {
		t.Fatalf("balance by query: %d %v", code, m)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/account/get-balance", nil)
	req.SetBasicAuth("key", "wrong")
	if code, m, _ := do(t, req); code != 401 || m["title"] != "Unauthorized" || m["type"] == "" || m["instance"] == "" {
		t.Fatalf("401: %d %v", code, m)
	}
	req, _ = http.NewRequest("GET", srv.URL+"/v1/nothing", nil)
	if code, m, _ := do(t, req); code != 404 || m["title"] != "Not Found" {
		t.Fatalf("404: %d %v", code, m)
	}
	body := `{"message_type":"image","channel":"sms","to":"1","from":"2","image":{"url":"https://x"}}`
	req, _ = http.NewRequest("POST", srv.URL+"/v1/messages", strings.NewReader(body))
	req.SetBasicAuth("key", "secret")
	if code, m, _ := do(t, req); code != 422 || m["invalid_parameters"] == nil {
		t.Fatalf("422: %d %v", code, m)
	}
	req, _ = http.NewRequest("POST", srv.URL+"/v1/messages", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer not.a.jwt")
	if code, _, _ := do(t, req); code != 401 {
		t.Fatalf("bad jwt: %d", code)
	}
	fake.SetFault(100, 0)
	fake.SetRetryAfter(3 * time.Second)
	req, _ = http.NewRequest("POST", srv.URL+"/v1/messages", strings.NewReader(`{"message_type":"text","channel":"sms","to":"1","from":"2","text":"x"}`))
	req.SetBasicAuth("key", "secret")
	if code, _, h := do(t, req); code != 429 || h.Get("Retry-After") != "3" || h.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("429: %d %v", code, h)
	}
	if n := len(fake.Requests()); n != 6 {
		t.Fatalf("recorded %d", n)
	}
}

func TestSignedHeaderVerifies(t *testing.T) {
	body := fakevonage.Text(vonage.RouteSMS, "447700900000", "447700900001", "hi", time.Now())
	h, err := fakevonage.SignedHeader(body, "sig", "key", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tok, _ := strings.CutPrefix(h.Get("Authorization"), "Bearer ")
	if err := vonage.VerifyWebhook(tok, body, "sig", time.Now()); err != nil {
		t.Fatal(err)
	}
}
