package interceptors

import (
	"context"
	"log/slog"
	"strings"

	"google.golang.org/grpc"

	"github.com/mautic-dsar/mautic-dsar/services/authn"
)

// Authenticator turns a bearer key into the calling principal. A missing or
// unknown key gives an *errs.Error of KindUnauthenticated.
type Authenticator interface {
	Authenticate(ctx context.Context, bearer string) (authn.Principal, error)
}

// Config holds what the chain needs.
type Config struct {
	// Logger receives call lines, panics and internal-error causes; nil
	// discards them.
	Logger *slog.Logger
	// Auth authenticates callers; nil rejects every authenticated method.
	Auth Authenticator
}

func (c Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// Unary returns the unary chain in its documented order, for
// grpc.ChainUnaryInterceptor.
func Unary(c Config) []grpc.UnaryServerInterceptor {
	l := c.logger()
	return []grpc.UnaryServerInterceptor{
		unaryRecovery(l),
		unaryRequestID(),
		unaryLogging(l),
		unaryAuth(c.Auth, l),
		unaryErrors(l),
	}
}

// Stream returns the stream chain in its documented order, for
// grpc.ChainStreamInterceptor.
func Stream(c Config) []grpc.StreamServerInterceptor {
	l := c.logger()
	return []grpc.StreamServerInterceptor{
		streamRecovery(l),
		streamRequestID(),
		streamLogging(l),
		streamAuth(c.Auth, l),
		streamErrors(l),
	}
}

// Public reports whether fullMethod needs no authentication (gRPC health
// and reflection).
func Public(fullMethod string) bool {
	return strings.HasPrefix(fullMethod, "/grpc.health.v1.Health/") ||
		strings.HasPrefix(fullMethod, "/grpc.reflection.")
}

// wrappedStream replaces a server stream's context.
type wrappedStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (w *wrappedStream) Context() context.Context { return w.ctx }

func withStreamContext(ss grpc.ServerStream, ctx context.Context) grpc.ServerStream {
	return &wrappedStream{ServerStream: ss, ctx: ctx}
}
