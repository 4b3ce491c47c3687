package interceptors

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// callInfo collects what inner interceptors learn about a call (the
// principal) for the log line written by the outer logging interceptor.
type callInfo struct {
	mu        sync.Mutex
	keyID     string
	tenantID  string
	requestID string
}

type callInfoKey struct{}

func infoFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callInfoKey{}).(*callInfo)
	return ci
}

// note records the ids a message carries, through its getters only.
func (ci *callInfo) note(m any) {
	if ci == nil || m == nil {
		return
	}
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if v, ok := m.(interface{ GetTenantId() string }); ok && ci.tenantID == "" {
		ci.tenantID = v.GetTenantId()
	}
	if v, ok := m.(interface{ GetTenant() *dsarv1.Tenant }); ok && ci.tenantID == "" {
		ci.tenantID = v.GetTenant().GetTenantId()
	}
	if v, ok := m.(interface{ GetRequestId() string }); ok && ci.requestID == "" {
		ci.requestID = v.GetRequestId()
	}
	if v, ok := m.(interface{ GetRequest() *dsarv1.Request }); ok && ci.requestID == "" {
		ci.requestID = v.GetRequest().GetRequestId()
	}
}

func (ci *callInfo) setKey(id string) {
	if ci == nil {
		return
	}
	ci.mu.Lock()
	ci.keyID = id
	ci.mu.Unlock()
}

// tagSpan puts the call's ids on the server span (dsar.tenant_id,
// dsar.request_id: opaque ids, never subject data).
func tagSpan(ctx context.Context, ci *callInfo) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	ci.mu.Lock()
	defer ci.mu.Unlock()
	if ci.tenantID != "" {
		span.SetAttributes(attribute.String("dsar.tenant_id", ci.tenantID))
	}
	if ci.requestID != "" {
		span.SetAttributes(attribute.String("dsar.request_id", ci.requestID))
	}
}

func logCall(ctx context.Context, l *slog.Logger, method string, start time.Time, ci *callInfo, err error) {
	tagSpan(ctx, ci)
	code := status.Code(err)
	level := slog.LevelInfo
	switch code {
	case codes.Internal, codes.Unknown, codes.DataLoss:
		level = slog.LevelError
	case codes.Unavailable, codes.DeadlineExceeded:
		level = slog.LevelWarn
	}
	if Public(method) && code == codes.OK {
		level = slog.LevelDebug
	}
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("grpc.method", method),
		slog.String("grpc.code", code.String()),
		slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("x_request_id", RequestIDFromContext(ctx)),
	}
	ci.mu.Lock()
	for _, kv := range [][2]string{{"key_id", ci.keyID}, {"tenant_id", ci.tenantID}, {"request_id", ci.requestID}} {
		if kv[1] != "" {
			attrs = append(attrs, slog.String(kv[0], kv[1]))
		}
	}
	ci.mu.Unlock()
	l.LogAttrs(ctx, level, "rpc finished", attrs...)
}

// logPanic writes the call line for a call whose handler panicked (as
// Internal, which is what the recovery interceptor will answer) and
// re-panics for the recovery interceptor.
func logPanic(ctx context.Context, l *slog.Logger, method string, start time.Time, ci *callInfo) {
	if r := recover(); r != nil {
		logCall(ctx, l, method, start, ci, status.Error(codes.Internal, InternalMessage))
		panic(r)
	}
}

func unaryLogging(l *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		start := time.Now()
		ci := &callInfo{}
		ci.note(req)
		defer logPanic(ctx, l, info.FullMethod, start, ci)
		resp, err := h(context.WithValue(ctx, callInfoKey{}, ci), req)
		if err == nil {
			ci.note(resp)
		}
		logCall(ctx, l, info.FullMethod, start, ci, err)
		return resp, err
	}
}

// loggedStream notes the ids of the first received message.
type loggedStream struct {
	grpc.ServerStream
	ctx context.Context
	ci  *callInfo
}

func (s *loggedStream) Context() context.Context { return s.ctx }

func (s *loggedStream) RecvMsg(m any) error {
	err := s.ServerStream.RecvMsg(m)
	if err == nil {
		s.ci.note(m)
	}
	return err
}

func streamLogging(l *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		start := time.Now()
		ci := &callInfo{}
		ctx := ss.Context()
		defer logPanic(ctx, l, info.FullMethod, start, ci)
		err := h(srv, &loggedStream{ServerStream: ss, ctx: context.WithValue(ctx, callInfoKey{}, ci), ci: ci})
		logCall(ctx, l, info.FullMethod, start, ci, err)
		return err
	}
}
