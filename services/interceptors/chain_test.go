package interceptors

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

const testKey = "interceptor-test-key-0123456789abcdef"

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines returns the JSON log records.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if l == "" {
			continue
		}
		m := map[string]any{}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// invoke runs the unary chain around h, as grpc.ChainUnaryInterceptor does.
func invoke(ctx context.Context, c Config, method string, req any, h grpc.UnaryHandler) (any, error) {
	chain := Unary(c)
	info := &grpc.UnaryServerInfo{FullMethod: method}
	next := h
	for i := len(chain) - 1; i >= 0; i-- {
		ic, inner := chain[i], next
		next = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, inner) }
	}
	return next(ctx, req)
}

func authed(ctx context.Context) context.Context {
	return metadata.NewIncomingContext(ctx, metadata.Pairs("authorization", "Bearer "+testKey, RequestIDKey, "rid-1"))
}

func TestChainOrder(t *testing.T) {
	const method = "/dsar.v1.TenantService/GetTenant"
	req := &dsarv1.GetTenantRequest{TenantId: "acme-eu"}
	tests := []struct {
		name     string
		ctx      context.Context
		method   string
		handler  grpc.UnaryHandler
		code     codes.Code
		msg      string
		called   bool
		logCode  string // grpc.code of the "rpc finished" line
		extraLog string // another message that must be logged
	}{
		{
			name: "ok sees principal and request id", ctx: authed(context.Background()), method: method,
			handler: func(ctx context.Context, _ any) (any, error) {
				p, ok := authn.FromContext(ctx)
				if !ok || p.KeyID != "bootstrap" || RequestIDFromContext(ctx) != "rid-1" {
					return nil, errors.New("context not prepared")
				}
				return &dsarv1.GetTenantResponse{}, nil
			},
			code: codes.OK, called: true, logCode: "OK",
		},
		{
			name: "auth before handler", ctx: context.Background(), method: method,
			code: codes.Unauthenticated, msg: UnauthenticatedMessage, logCode: "Unauthenticated",
		},
		{
			name: "unknown key", ctx: metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer nope")), method: method,
			code: codes.Unauthenticated, msg: UnauthenticatedMessage, logCode: "Unauthenticated",
		},
		{
			name: "health is public", ctx: context.Background(), method: "/grpc.health.v1.Health/Check",
			code: codes.OK, called: true, logCode: "",
		},
		{
			name: "errors mapped inside logging", ctx: authed(context.Background()), method: method,
			handler: func(context.Context, any) (any, error) {
				return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "tenant", "acme-eu")
			},
			code: codes.NotFound, msg: `tenant "acme-eu" not found`, called: true, logCode: "NotFound",
		},
		{
			name: "internal cause logged not returned", ctx: authed(context.Background()), method: method,
			handler: func(context.Context, any) (any, error) { return nil, errors.New("bolt: cause-xyz") },
			code:    codes.Internal, msg: InternalMessage, called: true, logCode: "Internal", extraLog: "internal error",
		},
		{
			name: "panic recovered outermost", ctx: authed(context.Background()), method: method,
			handler: func(context.Context, any) (any, error) { panic("boom") },
			code:    codes.Internal, msg: InternalMessage, called: true, logCode: "Internal", extraLog: "panic in handler",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := &syncBuffer{}
			cfg := Config{Logger: slog.New(slog.NewJSONHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo})), Auth: authn.NewAuthenticator(nil, testKey)}
			called := false
			h := func(ctx context.Context, r any) (any, error) {
				called = true
				if tc.handler != nil {
					return tc.handler(ctx, r)
				}
				return &dsarv1.GetTenantResponse{}, nil
			}
			_, err := invoke(tc.ctx, cfg, tc.method, req, h)
			st := status.Convert(err)
			if st.Code() != tc.code || (tc.msg != "" && st.Message() != tc.msg) {
				t.Fatalf("got %v %q, want %v %q", st.Code(), st.Message(), tc.code, tc.msg)
			}
			if called != tc.called {
				t.Errorf("handler called = %v, want %v", called, tc.called)
			}
			var finished []map[string]any
			var extra bool
			for _, l := range buf.lines(t) {
				if l["msg"] == "rpc finished" {
					finished = append(finished, l)
				}
				extra = extra || l["msg"] == tc.extraLog
				if strings.Contains(l["msg"].(string), "cause-xyz") {
					t.Error("cause in message")
				}
			}
			if tc.extraLog != "" && !extra {
				t.Errorf("no %q log line", tc.extraLog)
			}
			if tc.logCode == "" {
				if len(finished) != 0 {
					t.Errorf("health logged at info: %v", finished)
				}
				return
			}
			if len(finished) != 1 {
				t.Fatalf("%d call lines, want 1", len(finished))
			}
			l := finished[0]
			if l["grpc.code"] != tc.logCode || l["grpc.method"] != method || l["tenant_id"] != "acme-eu" || l["x_request_id"] == "" {
				t.Errorf("call line %v", l)
			}
		})
	}
}

func TestToStatus(t *testing.T) {
	retry := &errs.Error{Kind: errs.KindUnavailable, Reason: dsarv1.ErrorReason_ERROR_REASON_MAUTIC_RATE_LIMITED, Message: "slow down", RetryAfter: 3e9}
	tests := []struct {
		name   string
		err    error
		code   codes.Code
		msg    string
		reason string
	}{
		{"invalid", errs.InvalidField("x", "bad"), codes.InvalidArgument, "invalid x: bad", "INVALID_ARGUMENT"},
		{"wrapped domain", errorsJoin(errs.PermissionDenied("no")), codes.PermissionDenied, "no", "PERMISSION_DENIED"},
		{"retry", retry, codes.Unavailable, "slow down", "MAUTIC_RATE_LIMITED"},
		{"no reason", &errs.Error{Kind: errs.KindResourceExhausted, Message: "busy"}, codes.ResourceExhausted, "busy", ""},
		{"unknown kind", &errs.Error{Kind: 99, Message: "odd"}, codes.Internal, InternalMessage, "INTERNAL"},
		{"internal", errs.Internal(errors.New("x")), codes.Internal, InternalMessage, "INTERNAL"},
		{"canceled", context.Canceled, codes.Canceled, "request cancelled", ""},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, "deadline exceeded", ""},
		{"status passes", status.Error(codes.Aborted, "abort"), codes.Aborted, "abort", ""},
		{"internal status scrubbed", status.Error(codes.Internal, "path /x"), codes.Internal, InternalMessage, "INTERNAL"},
		{"unknown status scrubbed", status.Error(codes.Unknown, "??"), codes.Internal, InternalMessage, "INTERNAL"},
		{"plain", errors.New("boom"), codes.Internal, InternalMessage, "INTERNAL"},
	}
	for _, tc := range tests {
		st := ToStatus(context.Background(), nil, tc.err)
		if st.Code() != tc.code || st.Message() != tc.msg {
			t.Errorf("%s: %v %q, want %v %q", tc.name, st.Code(), st.Message(), tc.code, tc.msg)
		}
		var reason string
		for _, d := range st.Details() {
			if ei, ok := d.(*errdetails.ErrorInfo); ok {
				reason = ei.GetReason()
			}
		}
		if reason != tc.reason {
			t.Errorf("%s: reason %q, want %q", tc.name, reason, tc.reason)
		}
	}
	if ToStatus(context.Background(), nil, nil) != nil {
		t.Error("nil error mapped")
	}
	st := ToStatus(context.Background(), nil, retry)
	var ri *errdetails.RetryInfo
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			ri = r
		}
	}
	if ri == nil || ri.GetRetryDelay().AsDuration() != 3e9 {
		t.Errorf("RetryInfo %v", ri)
	}
}

func errorsJoin(e error) error { return errors.Join(errors.New("ctx"), e) }

func TestEveryKindHasACode(t *testing.T) {
	for k := errs.KindInvalidArgument; k <= errs.KindInternal; k++ {
		if _, ok := kindCodes[k]; !ok {
			t.Errorf("kind %d unmapped", k)
		}
	}
}

func FuzzValidRequestID(f *testing.F) {
	for _, s := range []string{"", "abc", "a b", "x@y.z", strings.Repeat("a", 65), "ok-1.2_3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidRequestID(s) && (strings.ContainsAny(s, "@ \n\"") || len(s) > 64) {
			t.Fatalf("accepted %q", s)
		}
	})
}
