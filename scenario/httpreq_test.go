package scenario_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/parleycc/parley/scenario"
)

// TestHTTPRequest calls a real local HTTP server playing a chatbot API.
func TestHTTPRequest(t *testing.T) {
	var mu sync.Mutex
	var got struct {
		Method, Auth string
		Body         map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		if r.URL.Path == "/bot" {
			mu.Lock()
			got.Method, got.Auth = r.Method, r.Header.Get("Authorization")
			_ = json.Unmarshal(data, &got.Body)
			mu.Unlock()
		}
		switch r.URL.Path {
		case "/bot":
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"reply":{"text":"Your order ships Monday.","confidence":0.92},"items":[{"id":"A1"}],"handoff":false}`)
		case "/down":
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		case "/slow":
			time.Sleep(300 * time.Millisecond)
		case "/text":
			_, _ = io.WriteString(w, "not json")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	tests := []struct {
		name     string
		path     string
		wantBot  string
		wantVars map[string]string
	}{
		{"answer mapped into variables", "/bot", "ok: Your order ships Monday. 0.92 A1 false",
			map[string]string{"http_status": "200", "reply": "Your order ships Monday."}},
		{"error status", "/down", "error 503", map[string]string{"http_status": "503"}},
		{"timeout", "/slow", "timeout", nil},
		{"answer not JSON", "/text", "error 200", nil},
		{"not found", "/missing", "error 404", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := compile(t,
				scenario.Spec{ID: "call", Type: "http_request", Params: map[string]any{
					"url":     srv.URL + tt.path,
					"headers": map[string]any{"Authorization": "Bearer $(token)"},
					"body":    map[string]any{"question": "$(question)", "psid": "$(psid)", "n": 1},
					"timeout": "100ms",
					"map":     map[string]any{"reply": "reply.text", "score": "reply.confidence", "first": "items.0.id", "handoff": "handoff"},
				}, Exits: map[string]string{"error": "failed", "timeout": "slow"}},
				scenario.Spec{ID: "ok", Type: "exit", Params: map[string]any{"text": "ok: $(reply) $(score) $(first) $(handoff)"}},
				scenario.Spec{ID: "failed", Type: "exit", Params: map[string]any{"text": "error $(http_status)"}},
				scenario.Spec{ID: "slow", Type: "exit", Params: map[string]any{"text": "timeout"}},
			)
			sim, err := scenario.NewSimulation(sc, scenario.Conditions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.Start(context.Background(), map[string]string{"token": "s3cret", "question": "Where is my order?", "psid": "42"}); err != nil {
				t.Fatal(err)
			}
			if bot := sim.Bot(); len(bot) != 1 || bot[0] != tt.wantBot {
				t.Errorf("bot = %q, want %q", bot, tt.wantBot)
			}
			for k, v := range tt.wantVars {
				if got := sim.Position().Vars[k]; got != v {
					t.Errorf("var %s = %q, want %q", k, got, v)
				}
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if got.Method != http.MethodPost || got.Auth != "Bearer s3cret" || got.Body["question"] != "Where is my order?" || got.Body["n"] != 1.0 {
		t.Errorf("request seen by the server = %+v", got)
	}
}
