package web

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/parleycc/parley"
)

// TestWriteErrorStatus: each error code answers with its status; a
// database that is busy or out of reach answers 503 with Retry-After, so
// platforms and clients send again rather than give up.
func TestWriteErrorStatus(t *testing.T) {
	cases := []struct {
		err        error
		status     int
		retryAfter string
	}{
		{parley.Errorf(parley.EINVALID, "bad"), http.StatusBadRequest, ""},
		{errors.New("boom"), http.StatusInternalServerError, ""},
		{fmt.Errorf("ingest facebook: %w", parley.Unavailable(errors.New("database is busy"))), http.StatusServiceUnavailable, "1"},
	}
	s := &Server{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		s.writeError(rec, httptest.NewRequest(http.MethodPost, "/webhooks/facebook", nil), tc.err)
		if rec.Code != tc.status || rec.Header().Get("Retry-After") != tc.retryAfter {
			t.Errorf("%v: HTTP %d Retry-After %q, want %d %q", tc.err, rec.Code, rec.Header().Get("Retry-After"), tc.status, tc.retryAfter)
		}
	}
}
