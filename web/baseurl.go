package web

import (
	"net"
	"net/url"
	"strings"

	"github.com/parleycc/parley"
)

// Which Graph API base URLs admins may set through the API
// (Server.APIBaseURLs). The configuration file may always set one.
const (
	// BaseURLsNone accepts none but an account's stored one (the default).
	BaseURLsNone = "none"
	// BaseURLsLoopback accepts http(s) URLs on a loopback host: the demo's
	// simulator and tests.
	BaseURLsLoopback = "loopback"
	// BaseURLsAny accepts any http(s) URL.
	BaseURLsAny = "any"
)

// checkBaseURL refuses an api_base_url the server does not allow. An
// empty one, or the one already stored for the account, is never an
// override (the Admin page posts the stored one back).
func (s *Server) checkBaseURL(in, stored string) error {
	if in == "" || in == stored || baseURLAllowed(s.APIBaseURLs, in) {
		return nil
	}
	return parley.Errorf(parley.EFORBIDDEN, "this server does not accept that Graph API base URL; leave it empty for graph.facebook.com")
}

// baseURLAllowed reports whether policy accepts raw as a base URL.
func baseURLAllowed(policy, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return false
	}
	switch policy {
	case BaseURLsAny:
		return true
	case BaseURLsLoopback:
		return loopbackHost(u.Hostname())
	}
	return false
}

// loopbackHost reports whether host is localhost or a loopback address
// (names other than localhost are not resolved: they could point anywhere).
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
