package interceptors

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// InternalMessage is the only message callers ever see for internal
// failures.
const InternalMessage = "internal error"

func recovered(ctx context.Context, l *slog.Logger, method string, r any, err *error) {
	msg := fmt.Sprint(r)
	if len(msg) > 200 {
		msg = msg[:200]
	}
	l.ErrorContext(ctx, "panic in handler", "grpc.method", method, "panic", msg, "stack", string(debug.Stack()))
	*err = status.Error(codes.Internal, InternalMessage)
}

func unaryRecovery(l *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				resp = nil
				recovered(ctx, l, info.FullMethod, r, &err)
			}
		}()
		return h(ctx, req)
	}
}

func streamRecovery(l *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) (err error) {
		defer func() {
			if r := recover(); r != nil {
				recovered(ss.Context(), l, info.FullMethod, r, &err)
			}
		}()
		return h(srv, ss)
	}
}
