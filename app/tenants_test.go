package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/channel/webchat"
	"github.com/parleycc/parley/conversation"
)

// TestTenants: the operator makes a second tenant and its first admin
// (`parley admin create`); the login page then asks for the organisation;
// that admin sets the tenant up through the API alone, and a visitor's
// chat in it is routed to its agent by a routing leader that started
// without a restart; neither tenant's admin sees or reaches the other's
// objects, and the same username signs in to each with its own password.
func TestTenants(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ctx := context.Background()
			if page := getPage(t, w, "/login"); strings.Contains(page, `id="tenant"`) {
				t.Fatalf("one tenant, yet the login page asks for it")
			}
			bad := []struct {
				in  conversation.NewAdmin
				msg string
			}{
				{conversation.NewAdmin{Tenant: "Acme Inc", Username: "ada", Password: "acme-pass-1"}, "tenant"},
				{conversation.NewAdmin{Tenant: "acme", Username: "Ada!", Password: "acme-pass-1"}, "username"},
				{conversation.NewAdmin{Tenant: "acme", Username: "ada", Password: "short"}, "password"},
			}
			for _, b := range bad {
				if _, err := conversation.CreateAdmin(ctx, w.app.Store, b.in); parley.ErrorCode(err) != parley.EINVALID || !strings.Contains(err.Error(), b.msg) {
					t.Errorf("CreateAdmin(%+v) = %v, want an invalid %s", b.in, err, b.msg)
				}
			}
			admin := conversation.NewAdmin{Tenant: "acme", TenantName: "Acme Inc.", Username: "ada", Password: "acme-pass-1", Cost: bcrypt.MinCost}
			if _, err := conversation.CreateAdmin(ctx, w.app.Store, admin); err != nil {
				t.Fatal(err)
			}
			if _, err := conversation.CreateAdmin(ctx, w.app.Store, admin); parley.ErrorCode(err) != parley.ECONFLICT {
				t.Fatalf("the same admin twice: %v", err)
			}
			if page := getPage(t, w, "/login"); !strings.Contains(page, `id="tenant"`) {
				t.Fatalf("two tenants, yet the login page does not ask which")
			}

			// The same username in each tenant, each with its own password.
			home := w.login("ada", "ada-pass")
			if _, code := signInTo(t, w, "", "ada", "acme-pass-1"); code != http.StatusUnauthorized {
				t.Fatalf("acme's password in the default tenant: HTTP %d", code)
			}
			acme := tenantLogin(t, w, "acme", "ada", "acme-pass-1")

			// Acme's admin sets up a web chat, a scenario, a service, an
			// agent and an entry, all through the API.
			var acct struct{ ID string }
			acme.expect(http.StatusCreated, "", http.MethodPost, "/api/admin/accounts", map[string]any{"name": "acme-site", "type": "webchat",
				"page_id": "acme-site", "app_secret": "acme-site-secret", "settings": map[string]string{"allowed_origins": shop}}, &acct)
			var orders conversation.AdminServiceView
			acme.expect(http.StatusCreated, "", http.MethodPost, "/api/admin/services", conversation.ServiceInput{Name: "Orders",
				Routing: conversation.RoutingSettings{AutoAccept: true}}, &orders)
			acme.expect(http.StatusCreated, "", http.MethodPost, "/api/admin/scenarios", map[string]string{"yaml": `name: acme-chat
blocks:
  - id: hello
    type: send_message
    text: "Acme here."
  - id: find
    type: find_agent
    service: Orders
  - id: talk
    type: connect_chat
`}, nil)
			acme.expect(http.StatusCreated, "", http.MethodPost, "/api/admin/users", conversation.UserInput{Username: "otto", DisplayName: "Otto Acme",
				Role: parley.RoleAgent, Password: "otto-pass-1", Capacity: 2, Services: []string{"Orders"}}, nil)
			acme.expect(http.StatusOK, "", http.MethodPut, "/api/admin/entries", conversation.EntryInput{Name: "Site", AccountID: acct.ID, Scenario: "acme-chat", Service: "Orders"}, nil)

			// Neither admin sees the other's; ids of the other tenant are not found.
			homeSupport := serviceNamed(t, home, "Support")
			if names := serviceNames(t, acme); !slices.Equal(names, []string{"Orders"}) {
				t.Errorf("acme's services = %v", names)
			}
			if names := serviceNames(t, home); slices.Contains(names, "Orders") {
				t.Errorf("the default tenant sees acme's service: %v", names)
			}
			acme.expect(http.StatusNotFound, "", http.MethodPut, "/api/admin/services/"+homeSupport.ID, serviceEdit(homeSupport), nil)
			home.expect(http.StatusNotFound, "", http.MethodPut, "/api/admin/services/"+orders.ID, serviceEdit(orders), nil)
			home.expect(http.StatusNotFound, "", http.MethodPost, "/api/admin/accounts/"+acct.ID+"/test", nil, nil)
			var users struct{ Users []struct{ Username string } }
			acme.expect(http.StatusOK, "", http.MethodGet, "/api/admin/users", nil, &users)
			if len(users.Users) != 2 {
				t.Errorf("acme's users = %+v", users.Users)
			}

			// A visitor's chat in acme reaches otto.
			otto := tenantLogin(t, w, "acme", "otto", "otto-pass-1")
			otto.expect(http.StatusOK, "", http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)
			v := &visitor{t: t, base: w.app.URL() + "/widget/" + acct.ID, webhook: w.app.URL() + "/webhooks/webchat/" + acct.ID}
			v.session()
			if code := v.say(webchat.Message{ID: "m1", Text: "Where is my parcel?"}); code != http.StatusOK {
				t.Fatalf("visitor: HTTP %d", code)
			}
			eventually(t, "the acme chat with otto", func() bool { return len(otto.chats()) == 1 })
			if c := otto.chats()[0]; c.State != parley.ChatAssigned {
				t.Errorf("otto's chat = %+v", c)
			}
			var sup struct{ Chats []struct{ ID string } }
			home.expect(http.StatusOK, "", http.MethodGet, "/api/supervisor", nil, &sup)
			for _, c := range sup.Chats {
				if c.ID == otto.chats()[0].ID {
					t.Errorf("the default tenant's supervisor view shows acme's chat")
				}
			}
		})
	}
}

func serviceNames(t *testing.T, a *agent) []string {
	t.Helper()
	var res struct {
		Services []conversation.AdminServiceView
	}
	a.expect(http.StatusOK, "", http.MethodGet, "/api/admin/services", nil, &res)
	var out []string
	for _, s := range res.Services {
		out = append(out, s.Name)
	}
	return out
}

func getPage(t *testing.T, w *world, path string) string {
	t.Helper()
	resp, err := http.Get(w.app.URL() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// tenantLogin signs in to the tenant and fails the test otherwise.
func tenantLogin(t *testing.T, w *world, tenant, user, pass string) *agent {
	t.Helper()
	a, code := signInTo(t, w, tenant, user, pass)
	if code != http.StatusOK {
		t.Fatalf("login %s in %s: HTTP %d", user, tenant, code)
	}
	return a
}

func signInTo(t *testing.T, w *world, tenant, user, pass string) (*agent, int) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	a := &agent{t: t, base: w.app.URL(), client: &http.Client{Jar: jar}}
	body := map[string]string{"username": user, "password": pass}
	if tenant != "" {
		body["tenant"] = tenant
	}
	b, _ := json.Marshal(body)
	resp, err := a.client.Post(a.base+"/api/login", "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return a, resp.StatusCode
}
