package web

import "testing"

func TestBaseURLAllowed(t *testing.T) {
	tests := []struct {
		policy, url string
		want        bool
	}{
		{BaseURLsNone, "http://127.0.0.1:8080/simulator/graph", false},
		{"", "https://graph.facebook.com", false},
		{BaseURLsLoopback, "http://127.0.0.1:8080/simulator/graph", true},
		{BaseURLsLoopback, "http://localhost:8080", true},
		{BaseURLsLoopback, "http://[::1]:8080", true},
		{BaseURLsLoopback, "http://10.0.0.5", false},
		{BaseURLsLoopback, "http://169.254.169.254/latest", false},
		{BaseURLsLoopback, "http://127.0.0.1.nip.io", false},
		{BaseURLsLoopback, "http://user@127.0.0.1", false},
		{BaseURLsLoopback, "file:///etc/passwd", false},
		{BaseURLsAny, "https://graph.example.com", true},
		{BaseURLsAny, "gopher://127.0.0.1", false},
		{BaseURLsAny, "not a url", false},
	}
	for _, tt := range tests {
		if got := baseURLAllowed(tt.policy, tt.url); got != tt.want {
			t.Errorf("baseURLAllowed(%q, %q) = %v, want %v", tt.policy, tt.url, got, tt.want)
		}
	}
}
