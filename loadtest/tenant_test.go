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
