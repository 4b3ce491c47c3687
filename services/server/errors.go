package server

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/interceptors"
)

// publicStatus is err as REST callers see it: Internal and Unknown messages
// become "internal error" (keeping only the ErrorInfo detail).
func publicStatus(err error) *status.Status {
	st := status.Convert(err)
	if c := st.Code(); c != codes.Internal && c != codes.Unknown {
		return st
	}
	if st.Message() == interceptors.InternalMessage {
		return st
	}
	out := status.New(st.Code(), interceptors.InternalMessage)
	var keep []protoadapt.MessageV1
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			keep = append(keep, ei)
		}
	}
	if len(keep) > 0 {
		if withDetails, err := out.WithDetails(keep...); err == nil {
			return withDetails
		}
	}
	return out
}

// retryAfter returns the RetryInfo delay of st, if any.
func retryAfter(st *status.Status) (int, bool) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay() != nil {
			secs := int(math.Ceil(ri.GetRetryDelay().AsDuration().Seconds()))
			if secs < 1 {
				secs = 1
			}
			return secs, true
		}
	}
	return 0, false
}

func bodyTooLarge(limit int64) *status.Status {
	st := status.New(codes.InvalidArgument, "request body exceeds "+strconv.FormatInt(limit, 10)+" bytes")
	withDetails, err := st.WithDetails(&errdetails.ErrorInfo{
		Reason:   interceptors.ReasonString(dsarv1.ErrorReason_ERROR_REASON_BODY_TOO_LARGE),
		Domain:   interceptors.ErrorDomain,
		Metadata: map[string]string{"limit_bytes": strconv.FormatInt(limit, 10)},
	})
	if err != nil {
		return st
	}
	return withDetails
}

// errorHandler writes every gateway error as google.rpc.Status JSON with the
// standard HTTP mapping, except 413 for oversized bodies.
func errorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	httpStatus := 0
	var hse *runtime.HTTPStatusError
	if errors.As(err, &hse) {
		httpStatus, err = hse.HTTPStatus, hse.Err
	}
	st := publicStatus(err)
	if lim := limitFrom(r.Context()); lim != nil && lim.exceeded() {
		st, httpStatus = bodyTooLarge(lim.max), http.StatusRequestEntityTooLarge
	}
	if secs, ok := retryAfter(st); ok {
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	out := st.Err()
	if httpStatus != 0 {
		out = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: out}
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, out)
}

// streamErrorHandler scrubs errors that end a server stream.
func streamErrorHandler(_ context.Context, err error) *status.Status { return publicStatus(err) }
