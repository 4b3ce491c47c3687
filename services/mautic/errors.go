package mautic

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// Sentinel errors. Match them with errors.Is.
var (
	// ErrNotFound means Mautic answered its own 404 "Item was not found.":
	// the contact (or other entity) does not exist, or no longer exists.
	ErrNotFound = errors.New("mautic: not found")
	// ErrAPIDisabled means the instance answered 403 with type
	// "api_disabled": the REST API is switched off in its configuration.
	ErrAPIDisabled = errors.New("mautic: API disabled on the instance")
	// ErrTimeout means a call did not finish within the instance's timeout.
	ErrTimeout = errors.New("mautic: request timed out")
)

// AuthError means Mautic rejected the credentials (401) or the user lacks a
// permission (403 other than api_disabled), or the OAuth2 token endpoint
// refused the client (400 invalid_client and friends).
type AuthError struct {
	// Status is the HTTP status code.
	Status int
	// Type is Mautic's error type (e.g. "access_denied", "invalid_grant",
	// "invalid_client"); empty when the body had none.
	Type string
}

// Error implements error.
func (e *AuthError) Error() string {
	if e.Type == "" {
		return fmt.Sprintf("mautic: authorization failed (HTTP %d)", e.Status)
	}
	return fmt.Sprintf("mautic: authorization failed (HTTP %d, %s)", e.Status, e.Type)
}

// RateLimitError means Mautic (or a proxy in front of it) answered 429.
type RateLimitError struct {
	// RetryAfter is how long to wait, from Retry-After (seconds or HTTP
	// date) or else X-RateLimit-Reset; 0 when neither was sent.
	RetryAfter time.Duration
}

// Error implements error.
func (e *RateLimitError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("mautic: rate limited (retry after %s)", e.RetryAfter)
	}
	return "mautic: rate limited"
}

// ServerError means the instance answered with a 5xx status.
type ServerError struct {
	// Status is the HTTP status code.
	Status int
}

// Error implements error.
func (e *ServerError) Error() string {
	return fmt.Sprintf("mautic: server error (HTTP %d)", e.Status)
}

// MalformedError means the answer could not be decoded as the expected
// Mautic JSON (truncated, wrong shape, too large). NotMauticError unwraps to
// a MalformedError too.
type MalformedError struct {
	// Reason says what was wrong, without quoting the body.
	Reason string
}

// Error implements error.
func (e *MalformedError) Error() string { return "mautic: malformed response: " + e.Reason }

// NotMauticError means the answer does not look like Mautic at all: an HTML
// page with status 200, or a 404 without Mautic's error shape. It usually
// means a wrong base URL or a proxy page.
type NotMauticError struct {
	// Status is the HTTP status code.
	Status int
}

// Error implements error.
func (e *NotMauticError) Error() string {
	return fmt.Sprintf("mautic: the answer is not from Mautic (HTTP %d)", e.Status)
}

// Unwrap lets errors.As find a *MalformedError.
func (e *NotMauticError) Unwrap() error {
	return &MalformedError{Reason: fmt.Sprintf("not a Mautic answer (HTTP %d)", e.Status)}
}

// RequestError is any other 4xx answer from Mautic (e.g. 400 for an invalid
// DNC reason, 422 validation errors).
type RequestError struct {
	// Status is the HTTP status code.
	Status int
	// Type is Mautic's error type when present.
	Type string
}

// Error implements error.
func (e *RequestError) Error() string {
	return fmt.Sprintf("mautic: request rejected (HTTP %d)", e.Status)
}

// TransportError is a connection-level failure (refused, reset, DNS). It
// never carries the request URL.
type TransportError struct {
	// Err is the underlying network error (already stripped of the URL).
	Err error
}

// Error implements error.
func (e *TransportError) Error() string { return "mautic: transport error: " + e.Err.Error() }

// Unwrap returns the network error.
func (e *TransportError) Unwrap() error { return e.Err }

// IsTransient reports whether err is worth retrying: 5xx, 429, timeouts,
// connection errors and malformed (possibly truncated) answers. Not-found,
// auth failures, API disabled, other 4xx and not-Mautic answers are
// permanent. Context cancellation by the caller is not transient.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var (
		nm *NotMauticError
		se *ServerError
		rl *RateLimitError
		te *TransportError
		me *MalformedError
	)
	switch {
	case errors.As(err, &nm):
		return nm.Status >= 500
	case errors.Is(err, ErrTimeout), errors.As(err, &se), errors.As(err, &rl), errors.As(err, &me):
		return true
	case errors.As(err, &te):
		return true
	case errors.Is(err, context.Canceled):
		return false
	}
	var ne net.Error
	return errors.As(err, &ne)
}

// RetryAfter returns the wait Mautic asked for on a 429, if any.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > 0 {
		return rl.RetryAfter, true
	}
	return 0, false
}

// errorType is the low-cardinality error.type span attribute for err.
func errorType(err error) string {
	var (
		ae *AuthError
		rl *RateLimitError
		se *ServerError
		nm *NotMauticError
		me *MalformedError
		re *RequestError
		te *TransportError
	)
	switch {
	case errors.Is(err, ErrNotFound):
		return "not_found"
	case errors.Is(err, ErrAPIDisabled):
		return "api_disabled"
	case errors.Is(err, ErrTimeout):
		return "timeout"
	case errors.As(err, &ae):
		return "auth_failed"
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.As(err, &se):
		return "server_error"
	case errors.As(err, &nm):
		return "not_mautic"
	case errors.As(err, &me):
		return "malformed"
	case errors.As(err, &re):
		return "request_rejected"
	case errors.As(err, &te):
		return "transport"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "_OTHER"
}
