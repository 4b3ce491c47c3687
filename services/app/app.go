package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"go.opentelemetry.io/otel/trace"
	"golang.org/x/sync/errgroup"

	"github.com/mautic-dsar/mautic-dsar/services/access"
	"github.com/mautic-dsar/mautic-dsar/services/apikeysvc"
	"github.com/mautic-dsar/mautic-dsar/services/audit"
	"github.com/mautic-dsar/mautic-dsar/services/auditsvc"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/engine"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/packagesvc"
	"github.com/mautic-dsar/mautic-dsar/services/requestsvc"
	"github.com/mautic-dsar/mautic-dsar/services/server"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
	"github.com/mautic-dsar/mautic-dsar/services/tenantsvc"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// packageExpiryEvery is how often expired access packages are removed.
const packageExpiryEvery = 10 * time.Minute

// components are the built parts of the service.
type components struct {
	store    *tenants.Store
	engine   *engine.Engine
	packager *access.Packager
	tenants  *tenantsvc.Server
	server   *server.Server
}

// build wires every component over an open store.
func build(cfg *Config, store *tenants.Store, operatorKey string, log *slog.Logger, tp trace.TracerProvider) (*components, error) {
	auditLog := audit.New(store)
	client := mautic.NewClient(mautic.WithTracerProvider(tp))
	packager, err := access.New(store, auditLog, access.Options{})
	if err != nil {
		return nil, fmt.Errorf("access packager: %w", err)
	}
	eng, err := engine.New(store, client, auditLog, engine.Options{
		AllowHTTPMautic: cfg.AllowHTTPMautic,
		Access:          packager,
		Logger:          log,
		TracerProvider:  tp,
	})
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	tsvc := tenantsvc.New(store, NewVerifier(client), auditLog, tenantsvc.Options{AllowHTTPMautic: cfg.AllowHTTPMautic})
	srv, err := server.New(server.Config{
		GRPCAddr:        cfg.GRPCAddr,
		HTTPAddr:        cfg.HTTPAddr,
		Logger:          log,
		ShutdownTimeout: cfg.ShutdownTimeout,
		Ready:           store.Ready,
		TracerProvider:  tp,
	}, authn.NewAuthenticator(store, operatorKey), server.Services{
		Tenants:  tsvc,
		APIKeys:  apikeysvc.New(store, auditLog),
		Requests: requestsvc.New(eng),
		Packages: packagesvc.New(packager, eng, auditLog),
		Audit:    auditsvc.New(auditLog),
	})
	if err != nil {
		return nil, err
	}
	return &components{store: store, engine: eng, packager: packager, tenants: tsvc, server: srv}, nil
}

// Run starts the service and blocks until ctx is done (SIGINT/SIGTERM in
// the binary), then drains in-flight calls and work and returns nil.
// Configuration mistakes come back as *ConfigError before anything starts.
func Run(ctx context.Context, cfg Config) (err error) {
	cfg.defaults()
	log := telemetry.NewLogger(cfg.Stderr, cfg.LogLevel)
	k, err := prepareKeys(&cfg)
	if err != nil {
		return err
	}
	sealer, err := tenants.NewSealer(k.master)
	if err != nil {
		return configErrorf("%s is invalid: %v", EnvMasterKey, err)
	}
	tp, shutdownOTel, err := telemetry.Setup(ctx, telemetry.Options{
		ServiceVersion: cfg.Version, Processors: cfg.SpanProcessors, Logger: log, SetGlobal: true,
	})
	if err != nil {
		return configErrorf("%v", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if e := shutdownOTel(sctx); e != nil {
			log.Warn("telemetry shutdown", "error", e.Error())
		}
	}()
	store, err := tenants.Open(ctx, cfg.DataDir, sealer)
	if err != nil {
		return fmt.Errorf("opening the store in %s: %w", cfg.DataDir, err)
	}
	defer func() { err = errors.Join(err, store.Close()) }() // the store closes last
	c, err := build(&cfg, store, k.operator, log, tp)
	if err != nil {
		return err
	}
	gl, hl, err := listen(cfg.GRPCAddr, cfg.HTTPAddr)
	if err != nil {
		return err
	}
	log.Info("starting", "data_dir", cfg.DataDir, "grpc_addr", gl.Addr().String(), "http_addr", hl.Addr().String(),
		"demo", cfg.Demo, "allow_http_mautic", cfg.AllowHTTPMautic, "version", cfg.Version)

	addrs := Addrs{GRPC: gl.Addr().String(), HTTP: hl.Addr().String()}
	var fleet *demoFleet
	if cfg.Demo {
		if fleet, err = startDemo(ctx, c.tenants); err != nil {
			_, _ = gl.Close(), hl.Close()
			return err
		}
		addrs.Fleet = fleet.base
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return c.server.Serve(gctx, gl, hl) })
	g.Go(func() error { return quiet(c.engine.Run(gctx)) })
	g.Go(func() error { return quiet(c.packager.RunExpiry(gctx, packageExpiryEvery)) })
	if fleet != nil {
		g.Go(func() error { return fleet.serve(gctx) })
		printBanner(cfg.Stdout, &cfg, addrs, k)
	}
	if cfg.OnReady != nil {
		cfg.OnReady(addrs)
	}
	err = g.Wait()
	log.Info("stopped")
	return err
}

// quiet drops the context error a component returns when asked to stop.
func quiet(err error) error {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// listen opens both listeners, or neither.
func listen(grpcAddr, httpAddr string) (net.Listener, net.Listener, error) {
	gl, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		return nil, nil, configErrorf("cannot listen on --grpc-addr %s: %v", grpcAddr, err)
	}
	hl, err := net.Listen("tcp", httpAddr)
	if err != nil {
		_ = gl.Close()
		return nil, nil, configErrorf("cannot listen on --http-addr %s: %v", httpAddr, err)
	}
	return gl, hl, nil
}
