package app_test

import (
	"net/http"
	"slices"
	"testing"
)

// TestSupervisorScopeSettings: a supervisor of Billing changes Billing's
// wrap-up settings and evaluation forms, and neither Support's nor a
// tenant-wide form, nor Support's form by giving hers its name; an
// unscoped supervisor changes any.
func TestSupervisorScopeSettings(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorldFrom(t, dsn(t), "testdata/authz.yaml", nil)
			sue, sam, ada := w.login("sue", "sue-pass"), w.login("sam", "sam-pass"), w.login("ada", "ada-pass")
			support, billing := serviceNamed(t, ada, "Support"), serviceNamed(t, ada, "Billing")
			desk := map[string]any{"dispositions": []string{"Paid", "Refunded"}}
			sue.expect(http.StatusForbidden, "other services", http.MethodPut, "/api/services/"+support.ID+"/desk", desk, nil)
			sue.expect(http.StatusOK, "", http.MethodPut, "/api/services/"+billing.ID+"/desk", desk, nil)
			sam.expect(http.StatusOK, "", http.MethodPut, "/api/services/"+support.ID+"/desk", desk, nil)

			form := func(name, service string) map[string]string {
				y := "name: " + name + "\n"
				if service != "" {
					y += "service: " + service + "\n"
				}
				return map[string]string{"yaml": y + "sections:\n  - title: Close\n    questions:\n      - {id: bye, text: \"Said goodbye?\", scale: yes_no, weight: 1}\n"}
			}
			sue.expect(http.StatusForbidden, "your services only", http.MethodPut, "/api/quality/forms", form("Support check", "Support"), nil)
			sue.expect(http.StatusForbidden, "your services only", http.MethodPut, "/api/quality/forms", form("Everyone", ""), nil)
			sue.expect(http.StatusForbidden, "belongs to a service you do not supervise", http.MethodPut, "/api/quality/forms", form("Support quality", "Billing"), nil)
			sue.expect(http.StatusOK, "", http.MethodPut, "/api/quality/forms", form("Billing check", "Billing"), nil)
			sam.expect(http.StatusOK, "", http.MethodPut, "/api/quality/forms", form("Everyone", ""), nil)

			// The wallboard and the reports: Billing's cards, agents and rows.
			var wb struct {
				Services []struct{ Name string }
				Agents   []struct{ Name string }
			}
			sue.expect(http.StatusOK, "", http.MethodGet, "/api/wallboard", nil, &wb)
			var cards, agents []string
			for _, c := range wb.Services {
				cards = append(cards, c.Name)
			}
			for _, a := range wb.Agents {
				agents = append(agents, a.Name)
			}
			if !slices.Equal(cards, []string{"Billing"}) || slices.Contains(agents, "Alice Martin") || !slices.Contains(agents, "Ben Billing") {
				t.Errorf("sue's wallboard: services %v, agents %v", cards, agents)
			}
			sam.expect(http.StatusOK, "", http.MethodGet, "/api/wallboard", nil, &wb)
			if len(wb.Services) != 2 {
				t.Errorf("sam's wallboard has %d services, want 2", len(wb.Services))
			}
			sue.expect(http.StatusForbidden, "services you supervise", http.MethodGet, "/api/reports/services?service="+support.ID, nil, nil)
			var tab struct{ Rows [][]string }
			sue.expect(http.StatusOK, "", http.MethodGet, "/api/reports/services", nil, &tab)
			for _, row := range tab.Rows {
				if row[0] == "Support" {
					t.Errorf("sue's service report shows Support: %v", tab.Rows)
				}
			}
		})
	}
}
