package telegram

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/parleycc/parley"
)

// APIError is an error answered by the Bot API:
// {"ok":false,"error_code","description","parameters":{"retry_after"}}.
// Non-JSON answers become an APIError with Code = the HTTP status and a
// short snippet of the body as Description.
type APIError struct {
	Method      string
	HTTPStatus  int
	Code        int
	Description string
	RetryAfter  time.Duration
	// MigrateToChatID is set when a group became a supergroup.
	MigrateToChatID int64
}

// Error implements error.
func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: error %d: %s", e.Method, e.Code, e.Description)
}

// apiError builds an APIError from a decoded error envelope.
func apiError(method string, status int, env *envelope) *APIError {
	e := &APIError{Method: method, HTTPStatus: status, Code: env.ErrorCode, Description: env.Description}
	if e.Code == 0 {
		e.Code = status
	}
	if env.Parameters != nil {
		e.RetryAfter = time.Duration(env.Parameters.RetryAfter) * time.Second
		e.MigrateToChatID = env.Parameters.MigrateToChatID
	}
	return e
}

// Class is the parley send class of the error: 429 and 5xx retry, 401/404
// (bad token in the URL) are credentials, 403 (blocked, deactivated, never
// started) unreachable, anything else permanent.
func (e *APIError) Class() string {
	switch {
	case e.Code == http.StatusTooManyRequests, e.Code >= 500:
		return parley.SendRetry
	case e.Code == http.StatusUnauthorized, e.Code == http.StatusNotFound:
		return parley.SendCredentials
	case e.Code == http.StatusForbidden:
		return parley.SendUnreachable
	}
	return parley.SendPermanent
}

// requestError is a send refused before calling the platform.
type requestError struct{ msg string }

func (e *requestError) Error() string { return "telegram: " + e.msg }

// sendError classifies err as a *parley.SendError: API errors by their
// code, requests refused locally as permanent, anything else (network,
// timeouts, unreadable answers) as retry.
func sendError(err error) *parley.SendError {
	var se *parley.SendError
	if errors.As(err, &se) {
		return se
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return &parley.SendError{Class: ae.Class(), Message: ae.Description, RetryAfter: ae.RetryAfter, Err: err}
	}
	var re *requestError
	if errors.As(err, &re) {
		return &parley.SendError{Class: parley.SendPermanent, Message: re.msg, Err: err}
	}
	return &parley.SendError{Class: parley.SendRetry, Message: "cannot reach Telegram", Err: err}
}
