package interceptors

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// ErrorDomain is google.rpc.ErrorInfo.domain on every error.
const ErrorDomain = "mautic-dsar"

// kindCodes maps each errs.Kind to its canonical gRPC code.
var kindCodes = map[errs.Kind]codes.Code{
	errs.KindInvalidArgument:    codes.InvalidArgument,
	errs.KindUnauthenticated:    codes.Unauthenticated,
	errs.KindPermissionDenied:   codes.PermissionDenied,
	errs.KindNotFound:           codes.NotFound,
	errs.KindAlreadyExists:      codes.AlreadyExists,
	errs.KindFailedPrecondition: codes.FailedPrecondition,
	errs.KindUnavailable:        codes.Unavailable,
	errs.KindResourceExhausted:  codes.ResourceExhausted,
	errs.KindDeadlineExceeded:   codes.DeadlineExceeded,
	errs.KindInternal:           codes.Internal,
}

// CodeOf returns the gRPC code of an errs.Kind (Internal for unknown kinds).
func CodeOf(k errs.Kind) codes.Code {
	if c, ok := kindCodes[k]; ok {
		return c
	}
	return codes.Internal
}

// ReasonString is the wire form of an ErrorReason: its name without the
// "ERROR_REASON_" prefix ("" for UNSPECIFIED).
func ReasonString(r dsarv1.ErrorReason) string {
	if r == dsarv1.ErrorReason_ERROR_REASON_UNSPECIFIED {
		return ""
	}
	return strings.TrimPrefix(r.String(), "ERROR_REASON_")
}

// ToStatus maps err to the status callers see:
//   - a status error passes through unchanged, except that an Internal or
//     Unknown one becomes Internal "internal error" (its message is logged);
//   - *errs.Error gets its Kind's code, its public message and
//     ErrorInfo/BadRequest/RetryInfo details (KindInternal: "internal error");
//   - context.Canceled and context.DeadlineExceeded keep their codes;
//   - anything else is Internal "internal error".
//
// Causes of internal errors are logged on l (with the context's trace_id),
// never returned. l may be nil.
func ToStatus(ctx context.Context, l *slog.Logger, err error) *status.Status {
	if err == nil {
		return nil
	}
	if e, ok := errs.As(err); ok {
		return fromDomain(ctx, l, e)
	}
	if st, ok := status.FromError(err); ok {
		if c := st.Code(); (c == codes.Internal || c == codes.Unknown) && st.Message() != InternalMessage {
			logInternal(ctx, l, err)
			return internalStatus()
		}
		return st
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.New(codes.Canceled, "request cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.New(codes.DeadlineExceeded, "deadline exceeded")
	}
	logInternal(ctx, l, err)
	return internalStatus()
}

func internalStatus() *status.Status {
	st, _ := status.New(codes.Internal, InternalMessage).WithDetails(&errdetails.ErrorInfo{
		Reason: ReasonString(dsarv1.ErrorReason_ERROR_REASON_INTERNAL), Domain: ErrorDomain,
	})
	return st
}

func logInternal(ctx context.Context, l *slog.Logger, err error) {
	if l != nil {
		l.ErrorContext(ctx, "internal error", "error", err.Error())
	}
}

func fromDomain(ctx context.Context, l *slog.Logger, e *errs.Error) *status.Status {
	code := CodeOf(e.Kind)
	if code == codes.Internal {
		logInternal(ctx, l, e)
		return internalStatus()
	}
	st := status.New(code, e.Message)
	var details []protoadapt.MessageV1
	if r := ReasonString(e.Reason); r != "" {
		details = append(details, &errdetails.ErrorInfo{Reason: r, Domain: ErrorDomain, Metadata: e.Metadata})
	}
	if len(e.Violations) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range e.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: v.Field, Description: v.Description})
		}
		details = append(details, br)
	}
	if e.RetryAfter > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(e.RetryAfter)})
	}
	if len(details) == 0 {
		return st
	}
	withDetails, err := st.WithDetails(details...)
	if err != nil {
		return st
	}
	return withDetails
}

func unaryErrors(l *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		if err != nil {
			return nil, ToStatus(ctx, l, err).Err()
		}
		return resp, nil
	}
}

func streamErrors(l *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		if err := h(srv, ss); err != nil {
			return ToStatus(ss.Context(), l, err).Err()
		}
		return nil
	}
}
