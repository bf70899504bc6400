package app_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/parleycc/parley"
	"github.com/parleycc/parley/conversation"
)

// TestAdminServices: an admin creates a service with its routing and
// wrap-up settings, which the desktop's own endpoints then read; bad
// settings are refused naming the field, a stale edit is refused, and
// only admins may do any of it.
func TestAdminServices(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam := w.login("ada", "ada-pass"), w.login("sam", "sam-pass")
			const services = "/api/admin/services"
			returns := conversation.ServiceInput{Name: "Returns", MaxChatsPerAgent: 2, MaxQueueLength: 10,
				Routing: conversation.RoutingSettings{Strategy: "least_busy", Skills: map[string]int{"spanish": 50}, OfferTimeoutSeconds: 20, AbsentRule: "requeue"},
				Desk: parley.ServiceDesk{Dispositions: []string{"Refund issued", "Exchanged"}, DispositionRequired: true,
					ScreenPopURL: "https://crm.example.com/find?email=$(email)"}}

			bad := []struct {
				name string
				edit func(in *conversation.ServiceInput)
				code int
				msg  string
			}{
				{"no name", func(in *conversation.ServiceInput) { in.Name = " " }, http.StatusBadRequest, "name"},
				{"taken name", func(in *conversation.ServiceInput) { in.Name = "support" }, http.StatusConflict, "exists"},
				{"strategy", func(in *conversation.ServiceInput) { in.Routing.Strategy = "random" }, http.StatusBadRequest, "strategy"},
				{"skill level", func(in *conversation.ServiceInput) { in.Routing.Skills = map[string]int{"x": 200} }, http.StatusBadRequest, "0–100"},
				{"screen pop scheme", func(in *conversation.ServiceInput) { in.Desk.ScreenPopURL = "javascript:alert(1)" }, http.StatusBadRequest, "http"},
				{"twice the same disposition", func(in *conversation.ServiceInput) { in.Desk.Dispositions = []string{"A", " A"} }, http.StatusBadRequest, "twice"},
				{"negative queue", func(in *conversation.ServiceInput) { in.MaxQueueLength = -1 }, http.StatusBadRequest, "max_queue_length"},
			}
			for _, b := range bad {
				in := returns
				in.Routing.Skills = map[string]int{"spanish": 50}
				in.Desk.Dispositions = []string{"Refund issued", "Exchanged"}
				b.edit(&in)
				if code, msg := ada.call(http.MethodPost, services, in, nil); code != b.code || !strings.Contains(strings.ToLower(msg), strings.ToLower(b.msg)) {
					t.Errorf("%s: HTTP %d %q, want %d with %q", b.name, code, msg, b.code, b.msg)
				}
			}
			sam.expect(http.StatusForbidden, "", http.MethodPost, services, returns, nil)

			var created conversation.AdminServiceView
			ada.expect(http.StatusCreated, "", http.MethodPost, services, returns, &created)
			if created.Routing.Strategy != "least_busy" || created.Routing.OfferTimeoutSeconds != 20 || created.MaxQueueLength != 10 ||
				len(created.Desk.Dispositions) != 2 || !created.Desk.DispositionRequired {
				t.Fatalf("created %+v", created)
			}
			// The desktop reads the same settings.
			var desk struct {
				Dispositions        []string `json:"dispositions"`
				DispositionRequired bool     `json:"disposition_required"`
				ScreenPopURL        string   `json:"screen_pop_url"`
			}
			sam.expect(http.StatusOK, "", http.MethodGet, "/api/services/"+created.ID+"/desk", nil, &desk)
			if len(desk.Dispositions) != 2 || desk.Dispositions[0] != "Refund issued" || !desk.DispositionRequired || desk.ScreenPopURL == "" {
				t.Fatalf("desk of the new service: %+v", desk)
			}

			edit := returns
			edit.Name = ""
			edit.Routing.AutoAccept = true
			edit.Desk.DispositionRequired = false
			edit.Version = "stale"
			ada.expect(http.StatusConflict, "changed by someone else", http.MethodPut, services+"/"+created.ID, edit, nil)
			edit.Version = created.Version
			var edited conversation.AdminServiceView
			ada.expect(http.StatusOK, "", http.MethodPut, services+"/"+created.ID, edit, &edited)
			if !edited.Routing.AutoAccept || edited.Desk.DispositionRequired || edited.Name != "Returns" || edited.Version == created.Version {
				t.Fatalf("edited %+v", edited)
			}
			ada.expect(http.StatusNotFound, "", http.MethodPut, services+"/nope", edit, nil)

			// Admins saving from the same version at once: one wins, the
			// others are told, none overwrites the winner.
			const racers = 5
			codes := make(chan int, racers)
			var wg sync.WaitGroup
			for i := range racers {
				in := edit
				in.Version, in.MaxQueueLength = edited.Version, 20+i
				wg.Go(func() { code, _ := ada.call(http.MethodPut, services+"/"+created.ID, in, nil); codes <- code })
			}
			wg.Wait()
			close(codes)
			won := 0
			for code := range codes {
				switch code {
				case http.StatusOK:
					won++
				case http.StatusConflict:
				default:
					t.Errorf("a racing save: HTTP %d", code)
				}
			}
			if won != 1 {
				t.Errorf("%d of %d saves from the same version succeeded, want 1", won, racers)
			}

			// Members come from Users: alice joins Returns there.
			var list conversation.AdminUserList
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/users", nil, &list)
			for _, u := range list.Users {
				if u.Username == "alice" {
					ada.expect(http.StatusOK, "", http.MethodPut, "/api/admin/users/"+u.ID, map[string]any{"display_name": u.DisplayName,
						"role": u.Role, "capacity": u.Capacity, "services": append(u.Services, "Returns"), "skills": u.Skills, "version": u.Version}, nil)
				}
			}
			var all struct {
				Services []conversation.AdminServiceView
			}
			ada.expect(http.StatusOK, "", http.MethodGet, services, nil, &all)
			for _, s := range all.Services {
				if s.Name == "Returns" && (len(s.Members) != 1 || s.Members[0] != "alice") {
					t.Fatalf("Returns members %v, want alice", s.Members)
				}
			}
		})
	}
}
