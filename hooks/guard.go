package hooks

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// publicOnly refuses, at connect time, addresses inside the network:
// checking the resolved address where the connection is made (not the
// name beforehand) leaves no gap for a name that resolves differently the
// second time.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !Public(ip) {
		return fmt.Errorf("%s is a private, loopback or link-local address: allow private targets on this webhook to use it", ip)
	}
	return nil
}

// Public reports whether ip is reachable on the internet: not loopback,
// private, link-local, unspecified, multicast or the shared CGNAT range.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	cgnat := netip.MustParsePrefix("100.64.0.0/10")
	return ip.IsValid() && !ip.IsLoopback() && !ip.IsPrivate() && !ip.IsLinkLocalUnicast() && !ip.IsLinkLocalMulticast() &&
		!ip.IsInterfaceLocalMulticast() && !ip.IsMulticast() && !ip.IsUnspecified() && !cgnat.Contains(ip)
}

// newClient returns the HTTP client deliveries use: a time limit per
// attempt, no redirects (a redirect could lead inside the network), and,
// unless private is true, connections to public addresses only.
func newClient(timeout time.Duration, private bool) *http.Client {
	d := &net.Dialer{Timeout: timeout}
	if !private {
		d.Control = publicOnly
	}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
