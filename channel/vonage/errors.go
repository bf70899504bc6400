package vonage

import (
	"errors"

	"github.com/parleycc/parley"
)

// classify turns a failed send into a *parley.SendError: 401 is the
// credentials, 429 and 5xx are retried (honouring Retry-After), network
// failures are retried, and other 4xx (400, 402, 403, 404, 422) are final.
func classify(err error) *parley.SendError {
	var api *APIError
	if !errors.As(err, &api) {
		return &parley.SendError{Class: parley.SendRetry, Message: "Vonage could not be reached", Err: err}
	}
	se := &parley.SendError{Class: parley.SendPermanent, Message: "Vonage: " + api.Problem.reason(), Err: err}
	switch {
	case api.StatusCode == 401:
		se.Class = parley.SendCredentials
	case api.StatusCode == 429 || api.StatusCode >= 500:
		se.Class, se.RetryAfter = parley.SendRetry, api.RetryAfter
	}
	return se
}
