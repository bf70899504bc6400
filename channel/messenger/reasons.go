package messenger

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
)

// The reasons Test Connection gives. Only the Graph API's own error
// messages are passed on; whatever else a base URL answers is summed up in
// a short class, so the check cannot be used to read other servers.

// graphErrorReason is the reason for a failed Graph call: the platform's
// message, or a class for an answer that is not a Graph error.
func graphErrorReason(ge *GraphError) string {
	if ge.Platform {
		return ge.Message
	}
	return notGraphReason(ge.HTTPStatus)
}

// notGraphReason says the base URL answered something else than the Graph
// API (with its HTTP status when it was an error).
func notGraphReason(status int) string {
	if status != 0 {
		return fmt.Sprintf("the API base URL answered HTTP %d, not the Graph API", status)
	}
	return "the API base URL answered, but not the Graph API"
}

// unreachableReason classifies an error that is not a Graph error: an
// answer that does not decode, a timeout, or no connection.
func unreachableReason(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var ne net.Error
	switch {
	case errors.As(err, &syntax) || errors.As(err, &typ):
		return notGraphReason(0)
	case errors.As(err, &ne) && ne.Timeout():
		return "cannot reach the Graph API: timed out"
	}
	return "cannot reach the Graph API"
}

// graphID reports whether id looks like a Graph object id (digits only).
func graphID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range []byte(id) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
