package netguard

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestBlocked(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, "fe80::1": true, "fd00::1": true, "0.0.0.0": true, "::": true,
		"100.64.0.1": true, "::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "224.0.0.1": true,
		"8.8.8.8": false, "157.240.1.35": false, "2a03:2880:f10c::1": false,
	} {
		if got := Blocked(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Blocked(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestGuard: the HTTP Request blocks' client and guarded requests on the
// channels' transport never reach loopback unless allowed; the channels'
// own API calls (not guarded) still do.
func TestGuard(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits++ }))
	t.Cleanup(srv.Close)
	get := func(c *http.Client, ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := c.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	allowed := false
	allow := func() bool { return allowed }
	ctx := context.Background()

	block := Client(5*time.Second, allow)
	if err := get(block, ctx); !errors.Is(err, ErrBlocked) {
		t.Fatalf("block client to loopback: %v, want ErrBlocked", err)
	}
	channels := &http.Client{Transport: Transport(allow)}
	if err := get(channels, Guarded(ctx)); !errors.Is(err, ErrBlocked) {
		t.Fatalf("guarded request to loopback: %v, want ErrBlocked", err)
	}
	if hits != 0 {
		t.Fatalf("the server was reached %d times", hits)
	}
	if err := get(channels, ctx); err != nil {
		t.Fatalf("unguarded request: %v", err)
	}
	allowed = true
	if err := get(block, ctx); err != nil {
		t.Fatalf("allowed: %v", err)
	}
	if err := get(channels, Guarded(ctx)); err != nil {
		t.Fatalf("allowed guarded: %v", err)
	}
	if hits != 3 {
		t.Fatalf("hits = %d, want 3", hits)
	}
}
