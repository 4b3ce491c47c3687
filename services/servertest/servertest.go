package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/test/bufconn"

	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/server"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
)

// OperatorKey is the bootstrap operator key of the default authenticator.
const OperatorKey = "servertest-operator-key-0123456789abcdef"

type options struct {
	cfg  server.Config
	auth server.Authenticator
	svcs server.Services
}

// Option configures New.
type Option func(*options)

// WithServices registers the given services (nil ones stay unregistered).
func WithServices(s server.Services) Option { return func(o *options) { o.svcs = s } }

// WithAuthenticator replaces the default authenticator, which accepts only
// OperatorKey (as an operator).
func WithAuthenticator(a server.Authenticator) Option { return func(o *options) { o.auth = a } }

// WithLogger sends the server's logs to l (default: discarded).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.cfg.Logger = l } }

// WithTracerProvider traces the server, gateway and gateway client with tp.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(o *options) { o.cfg.TracerProvider = tp }
}

// WithReady sets the readiness func behind /healthz.
func WithReady(ready func() bool) Option { return func(o *options) { o.cfg.Ready = ready } }

// WithMaxBodyBytes sets the REST body cap.
func WithMaxBodyBytes(n int64) Option { return func(o *options) { o.cfg.MaxBodyBytes = n } }

// Server is a running test server.
type Server struct {
	// Conn is a plain gRPC client connection to the server (no credentials
	// attached; use WithBearer on the call context).
	Conn *grpc.ClientConn
	// URL is the REST base URL, e.g. "http://127.0.0.1:34567".
	URL string
	// Server is the server under test.
	Server *server.Server
}

// New starts a server and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := &options{}
	for _, opt := range opts {
		opt(o)
	}
	if o.auth == nil {
		o.auth = authn.NewAuthenticator(nil, OperatorKey)
	}
	srv, err := server.New(o.cfg, o.auth, o.svcs)
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	lis := bufconn.Listen(1 << 20)
	gs := srv.GRPCServer()
	srv.SetServing()
	go func() { _ = gs.Serve(lis) }()
	dial := func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }
	conn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(dial), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatalf("servertest: client: %v", err)
	}
	gwConn, err := grpc.NewClient("passthrough:///bufnet",
		grpc.WithContextDialer(dial), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(telemetry.ClientStatsHandler(o.cfg.TracerProvider)))
	if err != nil {
		t.Fatalf("servertest: gateway client: %v", err)
	}
	h, err := srv.Handler(context.Background(), gwConn)
	if err != nil {
		t.Fatalf("servertest: gateway: %v", err)
	}
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		hs.Close()
		_ = gwConn.Close()
		_ = conn.Close()
		gs.Stop()
		_ = lis.Close()
	})
	return &Server{Conn: conn, URL: hs.URL, Server: srv}
}

// WithBearer returns ctx carrying "authorization: Bearer key" for gRPC calls.
func WithBearer(ctx context.Context, key string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+key)
}

// Do sends a REST request with "Authorization: Bearer key" (none when key
// is empty) and returns the status code, headers and body.
func (s *Server) Do(t testing.TB, method, path, key, body string) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, s.URL+path, r)
	if err != nil {
		t.Fatalf("servertest: %v", err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("servertest: %s %s: %v", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("servertest: reading %s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, b
}
