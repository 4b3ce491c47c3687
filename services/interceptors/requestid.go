package interceptors

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// RequestIDKey is the metadata key (and, through the gateway, HTTP header)
// carrying the per-call id.
const RequestIDKey = "x-request-id"

type requestIDKey struct{}

// RequestIDFromContext returns the call's x-request-id.
func RequestIDFromContext(ctx context.Context) string {
	s, _ := ctx.Value(requestIDKey{}).(string)
	return s
}

// callRequestID accepts a well-formed incoming id or makes a new one.
func callRequestID(ctx context.Context) string {
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(RequestIDKey); len(v) > 0 && ValidRequestID(v[0]) {
			return v[0]
		}
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ValidRequestID reports whether s is an acceptable caller-supplied id:
// 1-64 characters of [A-Za-z0-9._-]. Anything else is replaced, so ids can
// be logged without carrying arbitrary caller text.
func ValidRequestID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

func unaryRequestID() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		id := callRequestID(ctx)
		_ = grpc.SetHeader(ctx, metadata.Pairs(RequestIDKey, id))
		return h(context.WithValue(ctx, requestIDKey{}, id), req)
	}
}

func streamRequestID() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx := ss.Context()
		id := callRequestID(ctx)
		_ = ss.SetHeader(metadata.Pairs(RequestIDKey, id))
		return h(srv, withStreamContext(ss, context.WithValue(ctx, requestIDKey{}, id)))
	}
}
