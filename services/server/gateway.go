package server

import (
	"context"
	"fmt"
	"net/http"
	"net/textproto"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"

	"github.com/mautic-dsar/mautic-dsar/gen"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/interceptors"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
)

// incomingHeaders forwards only x-request-id; Authorization is always
// forwarded as "authorization" by the gateway itself.
func incomingHeaders(key string) (string, bool) {
	if textproto.CanonicalMIMEHeaderKey(key) == "X-Request-Id" {
		return interceptors.RequestIDKey, true
	}
	return "", false
}

// outgoingHeaders echoes x-request-id as X-Request-Id and a handler's
// content-disposition metadata (e.g. the package download's file name) as
// Content-Disposition; other metadata stays internal.
func outgoingHeaders(key string) (string, bool) {
	switch key {
	case interceptors.RequestIDKey:
		return "X-Request-Id", true
	case "content-disposition":
		return "Content-Disposition", true
	}
	return "", false
}

// nameSpans renames the HTTP server span after the matched route template.
func nameSpans(next runtime.HandlerFunc) runtime.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
		if p, ok := runtime.HTTPPattern(r.Context()); ok {
			telemetry.NameHTTPSpan(r.Context(), r.Method, p.String())
		}
		next(w, r, params)
	}
}

// NewMux returns the gateway's runtime mux (marshaler, error handling,
// header matching, span naming) over conn, with every service, /healthz and
// /openapi.json registered. conn is a client of the gRPC server; services
// the server does not register answer Unimplemented (501).
func (s *Server) NewMux(ctx context.Context, conn grpc.ClientConnInterface) (*runtime.ServeMux, error) {
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, newMarshaler(s.cfg.MaxBodyBytes)),
		runtime.WithErrorHandler(errorHandler),
		runtime.WithStreamErrorHandler(streamErrorHandler),
		runtime.WithIncomingHeaderMatcher(incomingHeaders),
		runtime.WithOutgoingHeaderMatcher(outgoingHeaders),
		runtime.SetQueryParameterParser(&safeQueryParser{}),
		runtime.WithMiddlewares(nameSpans),
		runtime.WithDisableHTTPMethodOverride(),
	)
	regs := []func(context.Context, *runtime.ServeMux) error{
		func(ctx context.Context, m *runtime.ServeMux) error {
			return dsarv1.RegisterTenantServiceHandlerClient(ctx, m, dsarv1.NewTenantServiceClient(conn))
		},
		func(ctx context.Context, m *runtime.ServeMux) error {
			return dsarv1.RegisterApiKeyServiceHandlerClient(ctx, m, dsarv1.NewApiKeyServiceClient(conn))
		},
		func(ctx context.Context, m *runtime.ServeMux) error {
			return dsarv1.RegisterRequestServiceHandlerClient(ctx, m, dsarv1.NewRequestServiceClient(conn))
		},
		func(ctx context.Context, m *runtime.ServeMux) error {
			return dsarv1.RegisterPackageServiceHandlerClient(ctx, m, dsarv1.NewPackageServiceClient(conn))
		},
		func(ctx context.Context, m *runtime.ServeMux) error {
			return dsarv1.RegisterAuditServiceHandlerClient(ctx, m, dsarv1.NewAuditServiceClient(conn))
		},
	}
	for _, reg := range regs {
		if err := reg(ctx, mux); err != nil {
			return nil, fmt.Errorf("server: gateway: %w", err)
		}
	}
	if err := mux.HandlePath(http.MethodGet, "/healthz", s.healthz); err != nil {
		return nil, err
	}
	if err := mux.HandlePath(http.MethodGet, "/openapi.json", func(w http.ResponseWriter, r *http.Request, _ map[string]string) {
		gen.ServeOpenAPI(w, r)
	}); err != nil {
		return nil, err
	}
	return mux, nil
}

// Handler is the complete REST handler over conn: otelhttp (not for
// /healthz), the body cap, the PATCH query-mask merge, then the mux.
func (s *Server) Handler(ctx context.Context, conn grpc.ClientConnInterface) (http.Handler, error) {
	mux, err := s.NewMux(ctx, conn)
	if err != nil {
		return nil, err
	}
	h := limitBodies(queryUpdateMask(mux, mux), mux, s.cfg.MaxBodyBytes)
	return telemetry.HTTPHandler(h, s.cfg.TracerProvider, func(r *http.Request) bool {
		return r.URL.Path == "/healthz"
	}), nil
}

// healthz answers 200 once the store is ready and while not draining.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request, _ map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if s.draining.Load() || (s.cfg.Ready != nil && !s.cfg.Ready()) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"NOT_SERVING"}` + "\n"))
		return
	}
	_, _ = w.Write([]byte(`{"status":"SERVING"}` + "\n"))
}
