package loadtest

import (
	"strings"
	"testing"

	"github.com/parleycc/parley/config"
)

func TestTenantConfig(t *testing.T) {
	tn := DefaultTenant()
	tn.Agents, tn.GraphURL = 3, "http://127.0.0.1:9999"
	b, err := tn.Config()
	if err != nil {
		t.Fatal(err)
	}
	f, err := config.Parse("bench.yaml", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if len(f.Users) != 3 || f.Users[2].Username != "bench-agent-003" {
		t.Errorf("users = %+v", f.Users)
	}
	if f.Accounts[0].APIBaseURL != tn.GraphURL {
		t.Errorf("api_base_url = %q", f.Accounts[0].APIBaseURL)
	}
	t.Log("\n" + strings.SplitN(string(b), "users:", 2)[0])
}

// TestTenantPages: the pages of the configuration are those the
// customers write to, each with an entry into the bench scenario.
func TestTenantPages(t *testing.T) {
	for _, pages := range []int{0, 1, 3} {
		tn := DefaultTenant()
		tn.Pages = pages
		b, err := tn.Config()
		if err != nil {
			t.Fatal(err)
		}
		f, err := config.Parse("bench.yaml", b)
		if err != nil {
			t.Fatalf("pages=%d: %v", pages, err)
		}
		want := max(pages, 1)
		if len(f.Accounts) != want || len(f.Entries) != want {
			t.Fatalf("pages=%d: %d accounts and %d entries, want %d", pages, len(f.Accounts), len(f.Entries), want)
		}
		seen := map[string]bool{}
		for i, a := range f.Accounts {
			id, token := tn.Page(i)
			if a.PageID != id || a.AccessToken != token || f.Entries[i].Account != a.Name || seen[id] {
				t.Errorf("pages=%d: account %d = %s %s (entry on %s), want page %s with token %s, each page once",
					pages, i, a.PageID, a.AccessToken, f.Entries[i].Account, id, token)
			}
			seen[id] = true
		}
		for i := range 2 * want {
			if got := tn.CustomerPage(i); !seen[got] {
				t.Errorf("pages=%d: customer %d writes to %s, not a configured page", pages, i, got)
			}
		}
		if want == 3 && (tn.CustomerPage(0) == tn.CustomerPage(1) || tn.CustomerPage(0) != tn.CustomerPage(3)) {
			t.Errorf("customers are not spread over the pages in turn: %s %s %s", tn.CustomerPage(0), tn.CustomerPage(1), tn.CustomerPage(3))
		}
	}
}
