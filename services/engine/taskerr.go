package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// errorDomain is the google.rpc.ErrorInfo domain of every error.
const errorDomain = "mautic-dsar"

// reasonName is the wire form of an ErrorReason ("MAUTIC_AUTH_FAILED").
func reasonName(r dsarv1.ErrorReason) string {
	return strings.TrimPrefix(r.String(), "ERROR_REASON_")
}

// taskStatus builds a task's google.rpc.Status with an ErrorInfo. msg must
// not contain subject data.
func taskStatus(code codes.Code, reason dsarv1.ErrorReason, msg string, md map[string]string) *statuspb.Status {
	st := status.New(code, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reasonName(reason), Domain: errorDomain, Metadata: md}); err == nil {
		st = d
	}
	return st.Proto()
}

// permanentError fails a task at once with its status.
type permanentError struct{ st *statuspb.Status }

func (p *permanentError) Error() string { return "task failed: " + p.st.GetMessage() }

func permanent(code codes.Code, reason dsarv1.ErrorReason, msg string) error {
	return &permanentError{st: taskStatus(code, reason, msg, nil)}
}

// errStop ends an attempt without further writes: the task was parked
// (needs confirmation), finished, cancelled or taken over.
var errStop = errors.New("engine: attempt stopped")

// failure is the classification of an attempt's error.
type failure struct {
	transient  bool
	retryAfter time.Duration
	status     *statuspb.Status
}

// classify maps a step error to a retry decision and a task status whose
// message names the failure without subject data.
func classify(err error) failure {
	var pe *permanentError
	if errors.As(err, &pe) {
		return failure{status: pe.st}
	}
	var rl *mautic.RateLimitError
	if errors.As(err, &rl) {
		md := map[string]string{}
		if rl.RetryAfter > 0 {
			md["retry_after_s"] = strconv.FormatFloat(rl.RetryAfter.Seconds(), 'f', -1, 64)
		}
		return failure{transient: true, retryAfter: rl.RetryAfter,
			status: taskStatus(codes.Unavailable, dsarv1.ErrorReason_ERROR_REASON_MAUTIC_RATE_LIMITED, "the tenant's Mautic is rate limiting (HTTP 429)", md)}
	}
	var ae *mautic.AuthError
	if errors.As(err, &ae) {
		return failure{status: taskStatus(codes.PermissionDenied, dsarv1.ErrorReason_ERROR_REASON_MAUTIC_AUTH_FAILED,
			fmt.Sprintf("the tenant's Mautic refused the credentials (HTTP %d); update them and retry the request", ae.Status), nil)}
	}
	if errors.Is(err, mautic.ErrAPIDisabled) {
		return failure{status: taskStatus(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_MAUTIC_API_DISABLED,
			"the tenant's Mautic has its API disabled (Configuration > API Settings)", nil)}
	}
	var me *mautic.MalformedError
	var nm *mautic.NotMauticError
	// A not-Mautic 5xx page is a proxy in trouble: transient, below.
	if (errors.As(err, &nm) && nm.Status < 500) || (!errors.As(err, &nm) && errors.As(err, &me)) {
		return failure{status: taskStatus(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_MAUTIC_MALFORMED_RESPONSE,
			"the tenant's base URL did not answer like a Mautic API", nil)}
	}
	var re *mautic.RequestError
	if errors.As(err, &re) {
		return failure{status: taskStatus(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT,
			fmt.Sprintf("the tenant's Mautic rejected the change (HTTP %d)", re.Status), nil)}
	}
	if mautic.IsTransient(err) {
		msg := "the tenant's Mautic is unavailable"
		var se *mautic.ServerError
		switch {
		case errors.As(err, &se):
			msg = fmt.Sprintf("the tenant's Mautic failed (HTTP %d)", se.Status)
		case errors.Is(err, mautic.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
			msg = "the tenant's Mautic timed out"
		}
		return failure{transient: true, status: taskStatus(codes.Unavailable, dsarv1.ErrorReason_ERROR_REASON_MAUTIC_UNAVAILABLE, msg, nil)}
	}
	// Anything else (a store hiccup, an unexpected answer) is retried under
	// the same budget; the cause goes to the log only.
	return failure{transient: true, status: taskStatus(codes.Internal, dsarv1.ErrorReason_ERROR_REASON_INTERNAL, "internal error", nil)}
}
