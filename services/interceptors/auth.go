package interceptors

import (
	"context"
	"log/slog"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// UnauthenticatedMessage is the message of every authentication failure.
const UnauthenticatedMessage = "invalid or missing bearer token"

// authenticate returns ctx carrying the caller of a non-public method.
func authenticate(ctx context.Context, a Authenticator, l *slog.Logger, method string) (context.Context, error) {
	if Public(method) {
		return ctx, nil
	}
	var bearer string
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get("authorization"); len(v) > 0 {
			bearer = v[0]
		}
	}
	if bearer == "" || a == nil {
		return nil, unauthenticated()
	}
	p, err := a.Authenticate(ctx, bearer)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.KindUnauthenticated {
			return nil, unauthenticated()
		}
		return nil, ToStatus(ctx, l, err).Err()
	}
	infoFrom(ctx).setKey(p.KeyID)
	return authn.WithPrincipal(ctx, p), nil
}

func unauthenticated() error {
	return ToStatus(context.Background(), nil, errs.Unauthenticated()).Err()
}

func unaryAuth(a Authenticator, l *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		ctx, err := authenticate(ctx, a, l, info.FullMethod)
		if err != nil {
			return nil, err
		}
		return h(ctx, req)
	}
}

func streamAuth(a Authenticator, l *slog.Logger) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		ctx, err := authenticate(ss.Context(), a, l, info.FullMethod)
		if err != nil {
			return err
		}
		return h(srv, withStreamContext(ss, ctx))
	}
}
