package hooks

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	body := []byte(`{"event_id":1}`)
	sig := Sign("whsec_x", now, body)
	tests := []struct {
		name   string
		header string
		secret string
		body   []byte
		at     time.Time
		want   error
	}{
		{"valid", sig, "whsec_x", body, now.Add(time.Minute), nil},
		{"other secret", sig, "whsec_y", body, now, ErrBadSignature},
		{"body changed", sig, "whsec_x", []byte(`{"event_id":2}`), now, ErrBadSignature},
		{"replayed later", sig, "whsec_x", body, now.Add(10 * time.Minute), ErrStale},
		{"timestamp changed", strings.Replace(sig, "t=1800000000", "t=1800000060", 1), "whsec_x", body, now, ErrBadSignature},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(tc.header, tc.secret, tc.body, tc.at, 5*time.Minute); !errors.Is(err, tc.want) {
				t.Errorf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
	if err := Verify("v1=abc", "whsec_x", body, now, time.Minute); err == nil {
		t.Error("a header without t= verified")
	}
}

func TestInputCheck(t *testing.T) {
	tests := []struct {
		name string
		in   Input
		bad  string // a word the error names; "" for valid
	}{
		{"valid", Input{Name: "crm", URL: "https://crm.example.com/in", Events: []string{"chat.closed", "chat.closed"}}, ""},
		{"all events", Input{Name: "crm", URL: "https://crm.example.com/in", Events: []string{"*"}}, ""},
		{"no name", Input{URL: "https://crm.example.com", Events: []string{"*"}}, "name"},
		{"ftp", Input{Name: "x", URL: "ftp://crm.example.com", Events: []string{"*"}}, "url"},
		{"credentials", Input{Name: "x", URL: "https://u:p@crm.example.com", Events: []string{"*"}}, "credentials"},
		{"loopback", Input{Name: "x", URL: "http://127.0.0.1:9000", Events: []string{"*"}}, "private"},
		{"localhost", Input{Name: "x", URL: "http://localhost:9000", Events: []string{"*"}}, "loopback"},
		{"link-local", Input{Name: "x", URL: "http://169.254.169.254/latest", Events: []string{"*"}}, "link-local"},
		{"private allowed", Input{Name: "x", URL: "http://10.0.0.5/in", Events: []string{"*"}, AllowPrivate: true}, ""},
		{"no events", Input{Name: "x", URL: "https://crm.example.com"}, "events"},
		{"unknown event", Input{Name: "x", URL: "https://crm.example.com", Events: []string{"chat.exploded"}}, "chat.exploded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.in.check()
			switch {
			case tc.bad == "" && err != nil:
				t.Errorf("check = %v, want valid", err)
			case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
				t.Errorf("check = %v, want an error naming %q", err, tc.bad)
			}
		})
	}
	in := Input{Name: "crm", URL: "https://crm.example.com/in", Events: []string{"chat.closed", "chat.created", "chat.closed"}}
	if err := in.check(); err != nil || strings.Join(in.Events, ",") != "chat.closed,chat.created" {
		t.Errorf("events = %v (%v), want sorted without repeats", in.Events, err)
	}
}

// TestPublicOnly: the dial-time guard refuses inside addresses, so a name
// that resolves to one later is refused too.
func TestPublicOnly(t *testing.T) {
	for addr, public := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1::1": true,
		"127.0.0.1": false, "10.1.2.3": false, "192.168.1.1": false, "172.16.0.1": false, "169.254.169.254": false,
		"100.64.0.1": false, "0.0.0.0": false, "::1": false, "fe80::1": false, "fd00::1": false, "::ffff:127.0.0.1": false,
	} {
		if got := Public(netip.MustParseAddr(addr)); got != public {
			t.Errorf("Public(%s) = %v, want %v", addr, got, public)
		}
		err := publicOnly("tcp", netip.AddrPortFrom(netip.MustParseAddr(addr), 443).String(), nil)
		if (err == nil) != public {
			t.Errorf("dial %s: %v", addr, err)
		}
	}
}
