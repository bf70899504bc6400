package line

import (
	"errors"
	"net/http"
	"strings"

	"github.com/parleycc/parley"
)

// IsInvalidReplyToken reports whether err is LINE refusing a reply token
// (400 "Invalid reply token": expired or already used); send by push
// instead.
func IsInvalidReplyToken(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(ae.Message), "reply token")
}

// requestError is a send refused before calling the platform.
type requestError struct{ msg string }

func (e *requestError) Error() string { return "line: " + e.msg }

// sendError classifies err as a *parley.SendError: API errors by status,
// requests refused locally as permanent, anything else (network, timeouts)
// as retry.
func sendError(err error) *parley.SendError {
	var se *parley.SendError
	if errors.As(err, &se) {
		return se
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return &parley.SendError{Class: ae.Class(), Message: ae.Message, RetryAfter: ae.RetryAfter, Err: err}
	}
	var re *requestError
	if errors.As(err, &re) {
		return &parley.SendError{Class: parley.SendPermanent, Message: re.msg, Err: err}
	}
	return &parley.SendError{Class: parley.SendRetry, Message: "cannot reach LINE", Err: err}
}
