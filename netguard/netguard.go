// Package netguard keeps requests that someone outside could aim (the
// scenarios' HTTP Request block, media links in customers' messages) away
// from the server's own network: loopback, private, link-local and other
// non-public addresses are refused unless the administrator allows them.
// The check is made on the address actually dialled, after DNS, so a name
// that resolves to an inside address (or is re-pointed there after a
// first check) is refused too.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrBlocked is wrapped by the error of a refused dial.
var ErrBlocked = errors.New("address not allowed: it is inside the server's network (an administrator may allow private addresses)")

type guardKey struct{}

// Guarded marks requests made with ctx as ones the guard checks, on a
// transport built by Transport.
func Guarded(ctx context.Context) context.Context {
	return context.WithValue(ctx, guardKey{}, true)
}

func guarded(ctx context.Context) bool {
	v, _ := ctx.Value(guardKey{}).(bool)
	return v
}

// Blocked reports whether ip is not a public unicast address.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsUnspecified() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return true
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// reserved are further ranges that are not the public internet.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("fec0::/10"),      // old site-local
	netip.MustParsePrefix("::ffff:0:0/96"),  // mapped (checked unmapped above)
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("2002::/16"),      // 6to4 can embed private IPv4
	netip.MustParsePrefix("2001::/32"),      // Teredo can embed private IPv4
	netip.MustParsePrefix("169.254.0.0/16"), // link-local (cloud metadata)
	netip.MustParsePrefix("fd00:ec2::/32"),  // AWS metadata over IPv6 (also ULA)
	netip.MustParsePrefix("192.88.99.0/24"), // 6to4 relay anycast
	netip.MustParsePrefix("255.255.255.255/32"),
}

// control refuses a connection to a blocked address.
func control(allowPrivate func() bool) func(ctx context.Context, network, address string, _ syscall.RawConn) error {
	return func(_ context.Context, _, address string, _ syscall.RawConn) error {
		if allowPrivate != nil && allowPrivate() {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("netguard: %s: %w", address, ErrBlocked)
		}
		if Blocked(ap.Addr()) {
			return fmt.Errorf("netguard: %s: %w", ap.Addr(), ErrBlocked)
		}
		return nil
	}
}

// Transport sends the requests whose context is Guarded through a
// transport that refuses inside addresses (unless allowPrivate, nil for
// never, says they are allowed now), and every other request through a
// plain one. The two keep separate connections, so a guarded request
// never reuses one opened without the check.
func Transport(allowPrivate func() bool) http.RoundTripper {
	plain := http.DefaultTransport.(*http.Transport).Clone()
	plain.MaxIdleConnsPerHost = IdleConnsPerHost
	return split{plain: plain, guarded: guardedTransport(allowPrivate)}
}

// IdleConnsPerHost is how many idle connections a transport keeps to one
// host. Go's default keeps two: the outbox sends up to 64 messages at
// once to one platform's API host, so under load nearly every send
// opened a new connection (and, to a real platform, shook hands over TLS
// again) and the one it used was closed after it.
const IdleConnsPerHost = 64

type split struct{ plain, guarded http.RoundTripper }

func (s split) RoundTrip(r *http.Request) (*http.Response, error) {
	if guarded(r.Context()) {
		return s.guarded.RoundTrip(r)
	}
	return s.plain.RoundTrip(r)
}

// Client is an HTTP client that refuses inside addresses for every
// request (unless allowPrivate says they are allowed), follows at most
// three redirects (each checked the same way) and gives up after timeout.
func Client(timeout time.Duration, allowPrivate func() bool) *http.Client {
	return &http.Client{Transport: guardedTransport(allowPrivate), Timeout: timeout,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("netguard: stopped after 3 redirects")
			}
			return nil
		}}
}

func guardedTransport(allowPrivate func() bool) *http.Transport {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, ControlContext: control(allowPrivate)}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.Proxy = nil // a proxy would dial for us, unchecked
	t.DialContext = d.DialContext
	t.MaxIdleConnsPerHost = IdleConnsPerHost
	return t
}
