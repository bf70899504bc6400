package web_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parleycc/parley/web"
)

func TestWidgetScriptAndDemoPage(t *testing.T) {
	h, err := (&web.Server{}).Handler()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/widget.js", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Body.Len() == 0 {
		t.Fatalf("GET /widget.js: %d %v", rec.Code, rec.Header())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/widget-demo", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("GET /widget-demo outside the demo: %d, want 404", rec.Code)
	}
}
