package app_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/parleycc/parley/conversation"
)

// TestThresholdsAndReportsAPI: admins set a service's thresholds (bad
// values 400, nothing applied), supervisors read them but may not set
// them (403), an unknown service is 404; report requests are checked
// (400 for a bad range or interval, 404 for an unknown table), and agents
// get 403.
func TestThresholdsAndReportsAPI(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam, alice := w.login("ada", "ada-pass"), w.login("sam", "sam-pass"), w.login("alice", "alice-pass")
			var list struct {
				Thresholds []conversation.ThresholdsView `json:"thresholds"`
			}
			if code := sam.do(http.MethodGet, "/api/thresholds", nil, &list); code != http.StatusOK || len(list.Thresholds) != 1 || !list.Thresholds[0].Default {
				t.Fatalf("thresholds: HTTP %d %+v", code, list)
			}
			id := list.Thresholds[0].ServiceID
			good := map[string]int{"service_level_seconds": 20, "service_level_target": 90, "dropout_seconds": 5, "chat_time_limit_seconds": 600, "max_wait_seconds": 120}
			bad := map[string]int{"service_level_seconds": 20, "service_level_target": 101, "dropout_seconds": 5}
			tests := []struct {
				name string
				who  *agent
				path string
				body any
				want int
			}{
				{"supervisor may not set", sam, "/api/services/" + id + "/thresholds", good, http.StatusForbidden},
				{"target over 100", ada, "/api/services/" + id + "/thresholds", bad, http.StatusBadRequest},
				{"unknown field", ada, "/api/services/" + id + "/thresholds", map[string]int{"sl": 1}, http.StatusBadRequest},
				{"unknown service", ada, "/api/services/nope/thresholds", good, http.StatusNotFound},
				{"admin sets", ada, "/api/services/" + id + "/thresholds", good, http.StatusOK},
			}
			for _, tt := range tests {
				if code := tt.who.do(http.MethodPut, tt.path, tt.body, nil); code != tt.want {
					t.Errorf("%s: HTTP %d, want %d", tt.name, code, tt.want)
				}
			}
			list.Thresholds = nil // "default" is left out when false
			sam.do(http.MethodGet, "/api/thresholds", nil, &list)
			if got := list.Thresholds[0]; got.Default || got.ServiceLevel != 20 || got.ServiceLevelTarget != 90 || got.MaxWait != 120 {
				t.Errorf("after the admin's change: %+v", got)
			}
			// Recounting the history is the admin's; both changes are audited.
			if code := sam.do(http.MethodPost, "/api/reports/recount", nil, nil); code != http.StatusForbidden {
				t.Errorf("supervisor recount: HTTP %d, want 403", code)
			}
			var recount struct{ Chats int }
			if code := ada.do(http.MethodPost, "/api/reports/recount", nil, &recount); code != http.StatusOK || recount.Chats != 0 {
				t.Errorf("admin recount: HTTP %d %+v, want 200 and no chats yet", code, recount)
			}
			var audit struct {
				Entries []struct {
					Action string
					Before map[string]any
					After  map[string]any
				}
			}
			ada.do(http.MethodGet, "/api/admin/audit", nil, &audit)
			var actions []string
			for _, e := range audit.Entries {
				actions = append(actions, e.Action)
				if e.Action == "service.thresholds" && (e.Before["service_level_seconds"] == e.After["service_level_seconds"] || e.After["service_level_seconds"] != 20.0) {
					t.Errorf("threshold audit entry = %+v", e)
				}
			}
			if !slices.Contains(actions, "service.thresholds") || !slices.Contains(actions, "reports.recount") {
				t.Errorf("audit actions = %v, want the threshold change and the recount", actions)
			}
			for path, want := range map[string]int{
				"/api/reports?from=2026-12-05&to=2026-12-01":    http.StatusBadRequest,
				"/api/reports?interval=week":                    http.StatusBadRequest,
				"/api/reports?from=yesterday":                   http.StatusBadRequest,
				"/api/reports/nope":                             http.StatusNotFound,
				"/api/reports/services?interval=15m":            http.StatusOK,
				"/api/reports/interactions/csv?from=2026-12-01": http.StatusOK,
				"/api/wallboard":                                http.StatusOK,
			} {
				if code := sam.do(http.MethodGet, path, nil, nil); code != want {
					t.Errorf("GET %s: HTTP %d, want %d", path, code, want)
				}
			}
			for _, path := range []string{"/api/wallboard", "/api/reports", "/api/thresholds"} {
				if code := alice.do(http.MethodGet, path, nil, nil); code != http.StatusForbidden {
					t.Errorf("agent GET %s: HTTP %d, want 403", path, code)
				}
			}
		})
	}
}
