package app_test

import (
	"net/http"
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
		})
	}
}
