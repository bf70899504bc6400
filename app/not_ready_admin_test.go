package app_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/parleycc/parley/conversation"
)

// TestAdminNotReadyReasons: an admin replaces the reasons agents pick when
// Not Ready; an agent can pick a new one and no longer a removed one; a
// bad list is refused whole with the reason at fault; an empty list goes
// back to the built-in reasons.
func TestAdminNotReadyReasons(t *testing.T) {
	for name, dsn := range databases(t) {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, dsn(t))
			ada, alice := w.login("ada", "ada-pass"), w.login("alice", "alice-pass")
			const path = "/api/admin/not-ready-reasons"
			var v conversation.NotReadyReasonsView
			ada.expect(http.StatusOK, "", http.MethodGet, path, nil, &v)
			if !v.BuiltIn || !slices.Equal(v.Reasons, conversation.DefaultNotReadyReasons) {
				t.Fatalf("at first: %+v", v)
			}
			bad := []struct {
				reasons []string
				msg     string
			}{
				{[]string{"Coaching", "coaching"}, `reasons[1]: duplicate "coaching"`},
				{[]string{"Coaching", "no answer"}, "given by Parley itself"},
				{[]string{"A reason far too long to fit on a button, really"}, "longer than 40"},
				{[]string{"Coaching", "  "}, "reasons[1]: empty"},
			}
			for _, b := range bad {
				ada.expect(http.StatusBadRequest, b.msg, http.MethodPut, path, map[string]any{"reasons": b.reasons}, nil)
			}
			alice.expect(http.StatusForbidden, "", http.MethodPut, path, map[string]any{"reasons": []string{"Nap"}}, nil)

			ada.expect(http.StatusOK, "", http.MethodPut, path, map[string]any{"reasons": []string{" Coaching ", "Email backlog"}}, &v)
			if v.BuiltIn || !slices.Equal(v.Reasons, []string{"Coaching", "Email backlog"}) {
				t.Fatalf("after the edit: %+v", v)
			}
			alice.expect(http.StatusOK, "", http.MethodPut, "/api/me/status", map[string]string{"state": "not_ready", "reason": "Email backlog"}, nil)
			alice.expect(http.StatusBadRequest, `unknown Not Ready reason "Lunch"`, http.MethodPut, "/api/me/status", map[string]string{"state": "not_ready", "reason": "Lunch"}, nil)

			ada.expect(http.StatusOK, "", http.MethodPut, path, map[string]any{"reasons": []string{}}, &v)
			if !v.BuiltIn || !slices.Equal(v.Reasons, conversation.DefaultNotReadyReasons) {
				t.Fatalf("emptied: %+v", v)
			}
			alice.expect(http.StatusOK, "", http.MethodPut, "/api/me/status", map[string]string{"state": "not_ready", "reason": "Lunch"}, nil)
		})
	}
}
