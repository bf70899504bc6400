package parley

import (
	"errors"
	"fmt"
)

// Error codes a caller may act on. Everything else is EINTERNAL.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	ETOOLARGE     = "too_large"
	ETOOMANY      = "too_many_requests"
	EUNAVAILABLE  = "unavailable"
)

// Error is an error meant for the user: its message is safe to show.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("parley: %s: %s", e.Code, e.Message) }

// ErrUnavailable is in the chain of an error that says nothing about the
// request: the database was busy or out of reach. The same request can
// succeed when tried again, so work that failed with it is retried rather
// than recorded as failed.
var ErrUnavailable = &Error{Code: EUNAVAILABLE, Message: "Parley's database is busy or out of reach; try again shortly"}

// Unavailable marks err as ErrUnavailable, keeping its text and chain.
func Unavailable(err error) error { return fmt.Errorf("%w (%w)", ErrUnavailable, err) }

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
