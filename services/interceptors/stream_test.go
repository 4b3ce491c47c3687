package interceptors

import (
	"context"
	"log/slog"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// fakeStream is a server stream that yields one request.
type fakeStream struct {
	ctx    context.Context
	req    proto.Message
	header metadata.MD
}

func (f *fakeStream) SetHeader(md metadata.MD) error {
	f.header = metadata.Join(f.header, md)
	return nil
}
func (f *fakeStream) SendHeader(md metadata.MD) error { return f.SetHeader(md) }
func (f *fakeStream) SetTrailer(metadata.MD)          {}
func (f *fakeStream) Context() context.Context        { return f.ctx }
func (f *fakeStream) SendMsg(any) error               { return nil }
func (f *fakeStream) RecvMsg(m any) error {
	proto.Merge(m.(proto.Message), f.req)
	return nil
}

func runStream(c Config, ss grpc.ServerStream, method string, h grpc.StreamHandler) error {
	chain := Stream(c)
	info := &grpc.StreamServerInfo{FullMethod: method, IsServerStream: true}
	next := h
	for i := len(chain) - 1; i >= 0; i-- {
		ic, inner := chain[i], next
		next = func(srv any, ss grpc.ServerStream) error { return ic(srv, ss, info, inner) }
	}
	return next(nil, ss)
}

func TestStreamChain(t *testing.T) {
	const method = "/dsar.v1.RequestService/WatchRequest"
	tests := []struct {
		name    string
		ctx     context.Context
		handler grpc.StreamHandler
		code    codes.Code
	}{
		{"no key", context.Background(), nil, codes.Unauthenticated},
		{"ok", authed(context.Background()), func(_ any, ss grpc.ServerStream) error {
			if _, ok := authn.FromContext(ss.Context()); !ok || RequestIDFromContext(ss.Context()) != "rid-1" {
				return status.Error(codes.FailedPrecondition, "context not prepared")
			}
			return ss.RecvMsg(&dsarv1.WatchRequestRequest{})
		}, codes.OK},
		{"domain error", authed(context.Background()), func(_ any, ss grpc.ServerStream) error {
			_ = ss.RecvMsg(&dsarv1.WatchRequestRequest{})
			return errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_REQUEST_NOT_FOUND, "request", "r-1")
		}, codes.NotFound},
		{"panic", authed(context.Background()), func(any, grpc.ServerStream) error { panic("boom") }, codes.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := &syncBuffer{}
			cfg := Config{Logger: slog.New(slog.NewJSONHandler(buf, nil)), Auth: authn.NewAuthenticator(nil, testKey)}
			ss := &fakeStream{ctx: tc.ctx, req: &dsarv1.WatchRequestRequest{RequestId: "r-1"}}
			h := tc.handler
			if h == nil {
				h = func(any, grpc.ServerStream) error { t.Error("handler ran"); return nil }
			}
			err := runStream(cfg, ss, method, h)
			if status.Code(err) != tc.code {
				t.Fatalf("code %v, want %v", status.Code(err), tc.code)
			}
			if len(ss.header.Get(RequestIDKey)) != 1 {
				t.Errorf("x-request-id header %v", ss.header)
			}
			var n int
			for _, l := range buf.lines(t) {
				if l["msg"] == "rpc finished" {
					n++
					if l["grpc.code"] != tc.code.String() {
						t.Errorf("logged %v", l["grpc.code"])
					}
					if tc.code != codes.Unauthenticated && tc.name != "panic" && l["request_id"] != "r-1" {
						t.Errorf("request_id not logged: %v", l)
					}
				}
			}
			if n != 1 {
				t.Errorf("%d call lines", n)
			}
		})
	}
}
