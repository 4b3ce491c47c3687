// Package errs defines the service's domain errors: what went wrong, with a
// stable reason from dsarv1.ErrorReason, and a public message that never
// holds subject data or secrets. Handlers return them; only the error
// interceptor (services/interceptors) turns them into gRPC status.
package errs

import (
	"errors"
	"fmt"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// Kind is the class of a domain error; it decides the gRPC code.
type Kind int

// The kinds, one per canonical gRPC code the service uses.
const (
	KindInvalidArgument Kind = iota + 1
	KindUnauthenticated
	KindPermissionDenied
	KindNotFound
	KindAlreadyExists
	KindFailedPrecondition
	KindUnavailable
	KindResourceExhausted
	KindDeadlineExceeded
	KindInternal
)

// FieldViolation names a bad field and says what is wrong with it.
type FieldViolation struct {
	// Field is the JSON path of the field (e.g. "target.tenantIds[3]").
	Field string
	// Description says what is wrong, without echoing personal data.
	Description string
}

// Error is a domain error. Message is shown to callers; Cause is logged only.
type Error struct {
	Kind       Kind
	Reason     dsarv1.ErrorReason
	Message    string
	Violations []FieldViolation
	Metadata   map[string]string
	RetryAfter time.Duration
	Cause      error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Message + ": " + e.Cause.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Cause }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Invalid reports bad input with one or more field violations.
func Invalid(violations ...FieldViolation) *Error {
	msg := "invalid request"
	if len(violations) > 0 {
		msg = fmt.Sprintf("invalid %s: %s", violations[0].Field, violations[0].Description)
		if len(violations) > 1 {
			msg += fmt.Sprintf(" (and %d more)", len(violations)-1)
		}
	}
	return &Error{Kind: KindInvalidArgument, Reason: dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT, Message: msg, Violations: violations}
}

// InvalidField is Invalid with a single violation.
func InvalidField(field, description string) *Error {
	return Invalid(FieldViolation{Field: field, Description: description})
}

// Unauthenticated reports a missing or unknown key.
func Unauthenticated() *Error {
	return &Error{Kind: KindUnauthenticated, Reason: dsarv1.ErrorReason_ERROR_REASON_UNAUTHENTICATED, Message: "invalid or missing bearer token"}
}

// PermissionDenied reports an operation the caller's role may not perform.
func PermissionDenied(msg string) *Error {
	return &Error{Kind: KindPermissionDenied, Reason: dsarv1.ErrorReason_ERROR_REASON_PERMISSION_DENIED, Message: msg}
}

// NotFound reports a missing object. what is e.g. "tenant", id its opaque id
// (never subject data).
func NotFound(reason dsarv1.ErrorReason, what, id string) *Error {
	return &Error{Kind: KindNotFound, Reason: reason, Message: fmt.Sprintf("%s %q not found", what, id)}
}

// AlreadyExists reports a conflict on create.
func AlreadyExists(reason dsarv1.ErrorReason, msg string) *Error {
	return &Error{Kind: KindAlreadyExists, Reason: reason, Message: msg}
}

// FailedPrecondition reports an operation the object's state forbids.
func FailedPrecondition(reason dsarv1.ErrorReason, msg string) *Error {
	return &Error{Kind: KindFailedPrecondition, Reason: reason, Message: msg}
}

// Internal wraps an unexpected failure; callers only ever see "internal
// error", the cause is logged.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Reason: dsarv1.ErrorReason_ERROR_REASON_INTERNAL, Message: "internal error", Cause: cause}
}
