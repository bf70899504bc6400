package app_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/parleycc/parley/conversation"
)

// TestAdminUsers: an admin creates a user who can then sign in, edits
// her (refused when someone else changed her first), deactivates her
// (her session ends, her sign-in is refused with a reason, the chat she
// held goes back to the queue) and reactivates her, resets her password;
// the admin cannot lock the tenant out; supervisors cannot do any of it.
func TestAdminUsers(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, sam := w.login("ada", "ada-pass"), w.login("sam", "sam-pass")
			const users = "/api/admin/users"

			newDana := map[string]any{"username": "dana", "display_name": "Dana Reyes", "role": "agent", "capacity": 2,
				"services": []string{"Support"}, "skills": map[string]int{"billing": 80}, "password": "dana-pass-1"}
			bad := []struct {
				name  string
				patch map[string]any
				code  int
				msg   string
			}{
				{"short password", map[string]any{"password": "short"}, http.StatusBadRequest, "at least 8"},
				{"bad username", map[string]any{"username": "Dana Reyes"}, http.StatusBadRequest, "username"},
				{"bad role", map[string]any{"role": "boss"}, http.StatusBadRequest, `"boss" is not agent`},
				{"unknown service", map[string]any{"services": []string{"Sales"}}, http.StatusBadRequest, `no service named "Sales"`},
				{"skill level", map[string]any{"skills": map[string]int{"billing": 101}}, http.StatusBadRequest, "level 0 to 100"},
				{"taken username", map[string]any{"username": "alice"}, http.StatusConflict, "taken"},
			}
			for _, b := range bad {
				in := map[string]any{}
				for k, v := range newDana {
					in[k] = v
				}
				for k, v := range b.patch {
					in[k] = v
				}
				if code, msg := ada.call(http.MethodPost, users, in, nil); code != b.code || !strings.Contains(msg, b.msg) {
					t.Errorf("%s: HTTP %d %q, want %d with %q", b.name, code, msg, b.code, b.msg)
				}
			}
			sam.expect(http.StatusForbidden, "", http.MethodPost, users, newDana, nil)

			var dana conversation.AdminUserView
			ada.expect(http.StatusCreated, "", http.MethodPost, users, newDana, &dana)
			if !dana.Active || dana.Skills["billing"] != 80 || len(dana.Services) != 1 || dana.Services[0] != "Support" || dana.Capacity != 2 {
				t.Fatalf("created %+v", dana)
			}
			danaSession := w.login("dana", "dana-pass-1")
			danaSession.expect(http.StatusOK, "", http.MethodPut, "/api/me/state", map[string]string{"state": "ready"}, nil)

			// An edit from a stale version is refused; from the current one
			// it lands.
			edit := map[string]any{"display_name": "Dana R.", "role": "supervisor", "capacity": 4, "services": []string{"Support"},
				"skills": map[string]int{"billing": 90, "spanish": 60}, "version": "stale"}
			ada.expect(http.StatusConflict, "changed by someone else", http.MethodPut, users+"/"+dana.ID, edit, nil)
			edit["version"] = dana.Version
			var edited conversation.AdminUserView
			ada.expect(http.StatusOK, "", http.MethodPut, users+"/"+dana.ID, edit, &edited)
			if edited.Role != "supervisor" || edited.DisplayName != "Dana R." || edited.Skills["spanish"] != 60 || edited.Version == dana.Version {
				t.Fatalf("edited %+v", edited)
			}
			ada.expect(http.StatusConflict, "", http.MethodPut, users+"/"+dana.ID, edit, nil) // the old version again

			// The admin cannot lock the tenant out.
			var list conversation.AdminUserList
			ada.expect(http.StatusOK, "", http.MethodGet, users, nil, &list)
			var adaView conversation.AdminUserView
			for _, u := range list.Users {
				if u.Username == "ada" {
					adaView = u
				}
			}
			ada.expect(http.StatusBadRequest, "your own admin role", http.MethodPut, users+"/"+adaView.ID,
				map[string]any{"role": "agent", "version": adaView.Version}, nil)
			ada.expect(http.StatusBadRequest, "deactivate yourself", http.MethodPost, users+"/"+adaView.ID+"/deactivate", nil, nil)

			// Deactivated: the session ends, sign-in is refused with a
			// reason, presence is Offline; reactivated: she is back.
			var off conversation.AdminUserView
			ada.expect(http.StatusOK, "", http.MethodPost, users+"/"+dana.ID+"/deactivate", nil, &off)
			if off.Active || off.DeactivatedAt == nil || off.State != "offline" {
				t.Fatalf("deactivated %+v", off)
			}
			danaSession.expect(http.StatusUnauthorized, "", http.MethodGet, "/api/me", nil, nil)
			anon := w.anonymous()
			anon.expect(http.StatusForbidden, "deactivated", http.MethodPost, "/api/login", map[string]string{"username": "dana", "password": "dana-pass-1"}, nil)
			anon.expect(http.StatusUnauthorized, "", http.MethodPost, "/api/login", map[string]string{"username": "dana", "password": "wrong-pass"}, nil)
			ada.expect(http.StatusOK, "", http.MethodPost, users+"/"+dana.ID+"/reactivate", nil, nil)
			danaSession = w.login("dana", "dana-pass-1")

			// A password reset ends her sessions; the new password works.
			ada.expect(http.StatusBadRequest, "at least 8", http.MethodPost, users+"/"+dana.ID+"/password", map[string]string{"password": "x"}, nil)
			ada.expect(http.StatusNoContent, "", http.MethodPost, users+"/"+dana.ID+"/password", map[string]string{"password": "dana-pass-2"}, nil)
			danaSession.expect(http.StatusUnauthorized, "", http.MethodGet, "/api/me", nil, nil)
			anon.expect(http.StatusUnauthorized, "", http.MethodPost, "/api/login", map[string]string{"username": "dana", "password": "dana-pass-1"}, nil)
			w.login("dana", "dana-pass-2")

			// Every change is in the audit trail, never a password.
			var trail struct {
				Entries []struct {
					Action string
					Before map[string]any
					After  map[string]any
				}
			}
			ada.expect(http.StatusOK, "", http.MethodGet, "/api/admin/audit?object_type=user", nil, &trail)
			var actions []string
			for _, e := range trail.Entries {
				actions = append(actions, e.Action)
				if e.After["password"] != nil || e.Before["password"] != nil {
					t.Errorf("%s records a password", e.Action)
				}
			}
			want := []string{"user.password_reset", "user.reactivate", "user.deactivate", "user.update", "user.create"}
			if len(actions) != len(want) {
				t.Fatalf("audit %v, want %v", actions, want)
			}
			for i := range want {
				if actions[i] != want[i] {
					t.Fatalf("audit %v, want %v (newest first)", actions, want)
				}
			}
		})
	}
}

// anonymous is a client that has not signed in.
func (w *world) anonymous() *agent {
	jar, _ := cookiejar.New(nil)
	return &agent{t: w.t, base: w.app.URL(), client: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}
