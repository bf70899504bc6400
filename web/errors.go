package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/parleycc/parley"
)

// statusOf maps an error code to an HTTP status. This is the only place
// that does.
var statusOf = map[string]int{
	parley.ECONFLICT:     http.StatusConflict,
	parley.EINVALID:      http.StatusBadRequest,
	parley.ENOTFOUND:     http.StatusNotFound,
	parley.EUNAUTHORIZED: http.StatusUnauthorized,
	parley.EFORBIDDEN:    http.StatusForbidden,
	parley.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	parley.ETOOMANY:      http.StatusTooManyRequests,
	parley.EINTERNAL:     http.StatusInternalServerError,
	parley.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// writeError answers with the error's status and a JSON body; internal
// errors are logged and their details hidden.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := parley.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = parley.ETOOLARGE, parley.Errorf(parley.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	}
	switch code {
	case parley.EINTERNAL:
		s.Logger.Error("request failed", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
	case parley.EUNAVAILABLE:
		s.Logger.Warn("request failed for now", slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Any("err", err))
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, statusOf[code], map[string]any{"error": map[string]string{"code": code, "message": parley.ErrorMessage(err)}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// maxJSONBody bounds API request bodies.
const maxJSONBody = 64 << 10

// readJSON decodes a JSON request body into v, answering the error itself
// and returning false when the body is too large or malformed.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = parley.Errorf(parley.EINVALID, "malformed JSON body: %v", err)
		}
		s.writeError(w, r, err)
		return false
	}
	return true
}
