package telemetry

import (
	"context"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc/filters"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc/stats"
)

// orGlobal returns tp, or the global provider when tp is nil.
func orGlobal(tp trace.TracerProvider) trace.TracerProvider {
	if tp == nil {
		return otel.GetTracerProvider()
	}
	return tp
}

// ServerStatsHandler is the otelgrpc server stats handler: one span per RPC
// (health checks excluded), named after the full method, with no payloads.
func ServerStatsHandler(tp trace.TracerProvider) stats.Handler {
	return otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(orGlobal(tp)),
		otelgrpc.WithPropagators(Propagator()),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	)
}

// ClientStatsHandler is the otelgrpc client stats handler for the gateway's
// connection to the gRPC listener; it propagates the trace context so the
// REST call and the gRPC server span share one trace.
func ClientStatsHandler(tp trace.TracerProvider) stats.Handler {
	return otelgrpc.NewClientHandler(
		otelgrpc.WithTracerProvider(orGlobal(tp)),
		otelgrpc.WithPropagators(Propagator()),
		otelgrpc.WithFilter(filters.Not(filters.HealthCheck())),
	)
}

// HTTPHandler wraps the REST gateway with otelhttp. The span starts named
// after the method only; NameHTTPSpan renames it after the matched route
// template once the gateway has routed the request, so raw paths (and never
// queries) do not become span names. skip excludes requests (e.g. /healthz)
// from tracing.
func HTTPHandler(h http.Handler, tp trace.TracerProvider, skip func(*http.Request) bool) http.Handler {
	opts := []otelhttp.Option{
		otelhttp.WithTracerProvider(orGlobal(tp)),
		otelhttp.WithPropagators(Propagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method }),
	}
	if skip != nil {
		opts = append(opts, otelhttp.WithFilter(func(r *http.Request) bool { return !skip(r) }))
	}
	return otelhttp.NewHandler(h, "gateway", opts...)
}

// NameHTTPSpan renames the current HTTP server span "METHOD /route/{var}"
// and records http.route. pattern is a google.api.http path template such
// as "/v1/tenants/{tenant_id=*}"; the "=*" captures are simplified.
func NameHTTPSpan(ctx context.Context, method, pattern string) {
	span := trace.SpanFromContext(ctx)
	if !span.IsRecording() {
		return
	}
	route := SimplifyRoute(pattern)
	span.SetName(method + " " + route)
	span.SetAttributes(attribute.String("http.route", route))
}

// SimplifyRoute turns "{tenant_id=*}" captures into "{tenant_id}".
func SimplifyRoute(pattern string) string {
	return strings.ReplaceAll(pattern, "=*}", "}")
}
