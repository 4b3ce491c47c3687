package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestScrub(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(Scrub(rec)))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	_, span := tp.Tracer("t").Start(context.Background(), "op", trace.WithAttributes(
		attribute.String("url.full", "https://m.example.com/api/contacts?search=bob@example.org"),
		attribute.String("url.query", "search=bob@example.org"),
		attribute.String("http.request.header.authorization", "Bearer x"),
		attribute.String("dsar.tenant_id", "acme-eu"),
	))
	span.AddEvent("ev", trace.WithAttributes(attribute.String("url.full", "x"), attribute.Int("n", 1)))
	span.End()
	got := rec.Ended()[0]
	if len(got.Attributes()) != 1 || got.Attributes()[0].Key != "dsar.tenant_id" {
		t.Errorf("attributes %v", got.Attributes())
	}
	if ev := got.Events()[0]; len(ev.Attributes) != 1 || ev.Attributes[0].Key != "n" {
		t.Errorf("event attributes %v", ev.Attributes)
	}
	for _, k := range []attribute.Key{"url.path", "http.route", "rpc.method", "server.address"} {
		if Forbidden(k) {
			t.Errorf("%s forbidden", k)
		}
	}
}

func TestLogHandlerAddsTraceIDs(t *testing.T) {
	var buf bytes.Buffer
	l := NewLogger(&buf, slog.LevelInfo).With("component", "x")
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	ctx, span := tp.Tracer("t").Start(context.Background(), "op")
	l.InfoContext(ctx, "with span")
	span.End()
	l.InfoContext(context.Background(), "without span")
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines", len(lines))
	}
	var a, b map[string]any
	_ = json.Unmarshal(lines[0], &a)
	_ = json.Unmarshal(lines[1], &b)
	if a["trace_id"] != span.SpanContext().TraceID().String() || a["span_id"] != span.SpanContext().SpanID().String() || a["component"] != "x" {
		t.Errorf("line %s", lines[0])
	}
	if _, ok := b["trace_id"]; ok {
		t.Errorf("trace id without span: %s", lines[1])
	}
}

func TestSetupFromEnv(t *testing.T) {
	for _, tc := range []struct{ exporter, endpoint string }{{"none", ""}, {"", ""}, {"console", ""}} {
		t.Run(tc.exporter, func(t *testing.T) {
			t.Setenv("OTEL_TRACES_EXPORTER", tc.exporter)
			t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", tc.endpoint)
			t.Setenv("OTEL_SERVICE_NAME", "")
			rec := tracetest.NewSpanRecorder()
			tp, shutdown, err := Setup(context.Background(), Options{ServiceVersion: "test", Processors: []sdktrace.SpanProcessor{rec}})
			if err != nil {
				t.Fatal(err)
			}
			_, span := tp.Tracer("t").Start(context.Background(), "op")
			span.End()
			if err := shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			spans := rec.Ended()
			if len(spans) != 1 {
				t.Fatalf("%d spans", len(spans))
			}
			var name string
			for _, kv := range spans[0].Resource().Attributes() {
				if kv.Key == "service.name" {
					name = kv.Value.AsString()
				}
			}
			if name != ServiceName {
				t.Errorf("service.name %q", name)
			}
			if !spans[0].SpanContext().IsSampled() {
				t.Error("default sampler does not sample")
			}
		})
	}
	t.Setenv("OTEL_TRACES_EXPORTER", "bogus")
	if _, _, err := Setup(context.Background(), Options{}); err == nil {
		t.Error("unknown exporter accepted")
	}
}

func TestSimplifyRoute(t *testing.T) {
	for in, want := range map[string]string{
		"/v1/tenants/{tenant_id=*}":          "/v1/tenants/{tenant_id}",
		"/v1/requests/{request_id=*}:cancel": "/v1/requests/{request_id}:cancel",
		"/healthz":                           "/healthz",
	} {
		if got := SimplifyRoute(in); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
}
