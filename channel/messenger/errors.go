package messenger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// ErrorClass tells a caller what to do about a failed Graph call.
type ErrorClass string

// Error classes.
const (
	// ClassRetryable: transient or rate-limit error; retry with backoff
	// (honouring GraphError.RetryAfter when set).
	ClassRetryable ErrorClass = "retryable"
	// ClassToken: the Page token is invalid or expired; the channel needs
	// to be re-authorized. Do not retry.
	ClassToken ErrorClass = "token"
	// ClassUnreachable: the customer cannot receive messages (blocked the
	// Page, account gone, unknown PSID). Do not retry.
	ClassUnreachable ErrorClass = "unreachable"
	// ClassOutsideWindow: the messaging window is closed; a tag (e.g.
	// HUMAN_AGENT) or a new customer message is needed. Do not retry as is.
	ClassOutsideWindow ErrorClass = "outside_window"
	// ClassPermanent: anything else (bad request, permissions, policy).
	ClassPermanent ErrorClass = "permanent"
)

// GraphError is an error answered by the Graph API.
type GraphError struct {
	HTTPStatus int
	Message    string
	Type       string
	Code       int
	Subcode    int
	TraceID    string
	// IsTransient mirrors error.is_transient when the platform sets it.
	IsTransient bool
	// Platform reports that the body was a Graph API error envelope; when
	// false, Message is a snippet of whatever the server answered.
	Platform bool
	// RetryAfter is the platform's estimate of when calls will be accepted
	// again, from X-Business-Use-Case-Usage or Retry-After; zero if unknown.
	RetryAfter time.Duration
}

// Error implements error.
func (e *GraphError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph error (HTTP %d", e.HTTPStatus)
	if e.Code != 0 {
		fmt.Fprintf(&b, ", code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
	}
	if e.Type != "" {
		fmt.Fprintf(&b, ", %s", e.Type)
	}
	b.WriteString(")")
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.TraceID != "" {
		b.WriteString(" [fbtrace_id " + e.TraceID + "]")
	}
	return b.String()
}

// Class classifies the error by code and subcode (HTTP status is only used
// when the body carries no code).
func (e *GraphError) Class() ErrorClass {
	c, s := e.Code, e.Subcode
	switch {
	case c == 190 || c == 102 || s == 463 || s == 467:
		return ClassToken
	case c == 551,
		c == 10 && s == 2018108,
		c == 200 && s == 1545041,
		c == 100 && s == 2018001:
		return ClassUnreachable
	case c == 10 && (s == 2018278 || s == 2534022 || s == 2018065):
		return ClassOutsideWindow
	case c == 613 && s == 2018338, // tag abuse warning
		c == 4 && s == 2018354: // marketing message frequency cap
		return ClassPermanent
	case c == 1, c == 2, c == 4, c == 17, c == 32, c == 613, c == 80006,
		e.HTTPStatus == http.StatusTooManyRequests,
		c == 0 && e.HTTPStatus >= 500,
		e.IsTransient:
		return ClassRetryable
	}
	return ClassPermanent
}

// Retryable reports whether err is worth retrying: a GraphError of class
// ClassRetryable, or a network failure (connection refused or reset,
// unexpected EOF, HTTP client timeout). Client-side validation errors and the
// caller's own context cancellation or deadline are not retryable.
func Retryable(err error) bool {
	if err == nil {
		return false
	}
	var ge *GraphError
	if errors.As(err, &ge) {
		return ge.Class() == ClassRetryable
	}
	var done *callerDoneError
	if errors.As(err, &done) || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// *url.Error satisfies net.Error itself; look at what it wraps so that
	// e.g. certificate errors are not retried.
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// callerDoneError marks a failure caused by the caller's context ending.
type callerDoneError struct{ err error }

func (e *callerDoneError) Error() string { return e.err.Error() }
func (e *callerDoneError) Unwrap() error { return e.err }

// parseGraphError builds a GraphError from a non-2xx (or error-carrying)
// response. Non-JSON bodies still yield a GraphError with HTTPStatus set.
func parseGraphError(status int, h http.Header, body []byte) *GraphError {
	ge := &GraphError{HTTPStatus: status, RetryAfter: retryAfter(h)}
	var env struct {
		Error *struct {
			Message     string  `json:"message"`
			Type        string  `json:"type"`
			Code        flexInt `json:"code"`
			Subcode     flexInt `json:"error_subcode"`
			TraceID     string  `json:"fbtrace_id"`
			IsTransient bool    `json:"is_transient"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &env) == nil && env.Error != nil {
		e := env.Error
		ge.Message, ge.Type, ge.TraceID, ge.IsTransient = e.Message, e.Type, e.TraceID, e.IsTransient
		ge.Code, ge.Subcode = int(e.Code), int(e.Subcode)
		ge.Platform = true
		return ge
	}
	ge.Message = snippet(body)
	if ge.Message == "" {
		ge.Message = http.StatusText(status)
	}
	if ge.TraceID == "" {
		ge.TraceID = h.Get("X-Fb-Trace-Id")
	}
	return ge
}

// retryAfter reads estimated_time_to_regain_access (minutes) from the
// X-Business-Use-Case-Usage header, falling back to Retry-After (seconds).
// Unparseable values are ignored.
func retryAfter(h http.Header) time.Duration {
	var longest time.Duration
	if v := h.Get("X-Business-Use-Case-Usage"); v != "" {
		var usage map[string][]struct {
			Minutes json.Number `json:"estimated_time_to_regain_access"`
		}
		if json.Unmarshal([]byte(v), &usage) == nil {
			for _, list := range usage {
				for _, u := range list {
					if m, err := u.Minutes.Float64(); err == nil && m > 0 && m < 7*24*60 {
						longest = max(longest, time.Duration(m*float64(time.Minute)))
					}
				}
			}
		}
	}
	if longest == 0 {
		if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s > 0 {
			longest = time.Duration(s) * time.Second
		}
	}
	return longest
}

// snippet returns a short printable prefix of a non-JSON error body.
func snippet(b []byte) string {
	const limit = 200
	s := strings.TrimSpace(string(b))
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if len(s) > limit {
		s = s[:limit]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "..."
	}
	return s
}
