package viber

import (
	"errors"
	"fmt"

	"github.com/parleycc/parley"
)

// Viber API status codes the channel acts on.
const (
	StatusOK                       = 0
	StatusInvalidURL               = 1
	StatusInvalidAuthToken         = 2
	StatusBadData                  = 3
	StatusMissingData              = 4
	StatusReceiverNotRegistered    = 5
	StatusReceiverNotSubscribed    = 6
	StatusReceiverNoSuitableDevice = 11
	StatusTooManyRequests          = 12
)

// classify turns a failed send into a *parley.SendError: status 12 and
// network or 5xx failures are retried, 5/6/11 mean the customer cannot be
// reached, 2 is a bad token and anything else is final.
func classify(err error) *parley.SendError {
	var api *APIError
	if errors.As(err, &api) {
		return &parley.SendError{Class: statusClass(api.Status), Message: statusMessage(api), Err: err}
	}
	var he *HTTPError
	if errors.As(err, &he) {
		class := parley.SendPermanent
		if he.StatusCode >= 500 || he.StatusCode == 429 {
			class = parley.SendRetry
		}
		return &parley.SendError{Class: class, Message: fmt.Sprintf("Viber answered HTTP %d", he.StatusCode), Err: err}
	}
	return &parley.SendError{Class: parley.SendRetry, Message: "Viber could not be reached", Err: err}
}

// statusClass maps a non-zero send_message status to a send failure class.
func statusClass(status int) string {
	switch status {
	case StatusTooManyRequests:
		return parley.SendRetry
	case StatusReceiverNotRegistered, StatusReceiverNotSubscribed, StatusReceiverNoSuitableDevice:
		return parley.SendUnreachable
	case StatusInvalidAuthToken:
		return parley.SendCredentials
	}
	return parley.SendPermanent
}

func statusMessage(e *APIError) string {
	if e.StatusMessage != "" {
		return fmt.Sprintf("Viber refused the message: %s (status %d)", e.StatusMessage, e.Status)
	}
	return fmt.Sprintf("Viber refused the message (status %d)", e.Status)
}
