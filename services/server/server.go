package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/interceptors"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
)

// Services are the API implementations; any nil service is left
// unregistered (its RPCs answer Unimplemented).
type Services struct {
	Tenants  dsarv1.TenantServiceServer
	APIKeys  dsarv1.ApiKeyServiceServer
	Requests dsarv1.RequestServiceServer
	Packages dsarv1.PackageServiceServer
	Audit    dsarv1.AuditServiceServer
}

// Authenticator turns a bearer key into the caller; *authn.Authenticator
// satisfies it.
type Authenticator interface {
	Authenticate(ctx context.Context, bearer string) (authn.Principal, error)
}

// Config configures the server. Zero values get the documented defaults.
type Config struct {
	// GRPCAddr and HTTPAddr are informational (logged); Serve takes the
	// listeners.
	GRPCAddr, HTTPAddr string
	// Logger receives call logs and errors; nil discards them.
	Logger *slog.Logger
	// ShutdownTimeout bounds the graceful drain (default 10s); after it,
	// remaining calls are cut.
	ShutdownTimeout time.Duration
	// Ready reports whether the store is open and usable; /healthz answers
	// 503 while it returns false. nil means always ready.
	Ready func() bool
	// MaxBodyBytes caps REST request bodies and gRPC messages (default
	// DefaultMaxBodyBytes, 1 MiB; gRPC allows 64 KiB more for framing).
	MaxBodyBytes int64
	// TracerProvider traces calls; nil uses the global provider.
	TracerProvider trace.TracerProvider
}

// Server is the gRPC server plus the gateway in front of it.
type Server struct {
	cfg      Config
	log      *slog.Logger
	grpc     *grpc.Server
	health   *health.Server
	draining atomic.Bool
}

// New builds the gRPC server with the interceptor chain, health and
// reflection, and registers svcs. It does not listen.
func New(cfg Config, auth Authenticator, svcs Services) (*Server, error) {
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	var ia interceptors.Authenticator
	if auth != nil {
		ia = auth
	}
	icfg := interceptors.Config{Logger: cfg.Logger, Auth: ia}
	gs := grpc.NewServer(
		grpc.StatsHandler(telemetry.ServerStatsHandler(cfg.TracerProvider)),
		grpc.ChainUnaryInterceptor(interceptors.Unary(icfg)...),
		grpc.ChainStreamInterceptor(interceptors.Stream(icfg)...),
		grpc.MaxRecvMsgSize(int(cfg.MaxBodyBytes)+64<<10),
	)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)
	register(gs, svcs)
	return &Server{cfg: cfg, log: cfg.Logger, grpc: gs, health: hs}, nil
}

func register(gs *grpc.Server, s Services) {
	if s.Tenants != nil {
		dsarv1.RegisterTenantServiceServer(gs, s.Tenants)
	}
	if s.APIKeys != nil {
		dsarv1.RegisterApiKeyServiceServer(gs, s.APIKeys)
	}
	if s.Requests != nil {
		dsarv1.RegisterRequestServiceServer(gs, s.Requests)
	}
	if s.Packages != nil {
		dsarv1.RegisterPackageServiceServer(gs, s.Packages)
	}
	if s.Audit != nil {
		dsarv1.RegisterAuditServiceServer(gs, s.Audit)
	}
}

// GRPCServer returns the gRPC server (for tests that serve it on bufconn).
func (s *Server) GRPCServer() *grpc.Server { return s.grpc }

// SetServing marks every registered service SERVING in gRPC health.
func (s *Server) SetServing() {
	s.health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	for name := range s.grpc.GetServiceInfo() {
		s.health.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
}

// loopback is the address a client on this host dials to reach lis.
func loopback(lis net.Listener) string {
	addr := lis.Addr().String()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// Serve serves gRPC on grpcLis and the gateway on httpLis until ctx is done
// (or a listener fails), then drains: gRPC health goes NOT_SERVING and
// /healthz 503, the HTTP server stops accepting and waits for in-flight
// requests, the gRPC server stops gracefully; after ShutdownTimeout the
// rest is cut. It returns nil after a drain caused by ctx.
func (s *Server) Serve(ctx context.Context, grpcLis, httpLis net.Listener) error {
	conn, err := grpc.NewClient("passthrough:///"+loopback(grpcLis),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithStatsHandler(telemetry.ClientStatsHandler(s.cfg.TracerProvider)),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
	)
	if err != nil {
		return fmt.Errorf("server: gateway client: %w", err)
	}
	defer func() { _ = conn.Close() }()
	handler, err := s.Handler(ctx, conn)
	if err != nil {
		return err
	}
	hsrv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	s.SetServing()
	errc := make(chan error, 2)
	go func() { errc <- s.grpc.Serve(grpcLis) }()
	go func() {
		err := hsrv.Serve(httpLis)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		errc <- err
	}()
	s.log.Info("serving", "grpc_addr", grpcLis.Addr().String(), "http_addr", httpLis.Addr().String())
	var serveErr error
	pending := 2
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		pending--
	}
	s.drain(hsrv)
	for ; pending > 0; pending-- {
		if err := <-errc; err != nil && serveErr == nil && !errors.Is(err, grpc.ErrServerStopped) {
			serveErr = err
		}
	}
	return serveErr
}

// drain stops both servers within ShutdownTimeout.
func (s *Server) drain(hsrv *http.Server) {
	s.log.Info("draining", "timeout", s.cfg.ShutdownTimeout.String())
	s.draining.Store(true)
	s.health.Shutdown()
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hsrv.Shutdown(sctx); err != nil {
		_ = hsrv.Close()
	}
	done := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-sctx.Done():
		s.log.Warn("drain timed out; stopping")
		s.grpc.Stop()
		<-done
	}
	s.log.Info("drained")
}
