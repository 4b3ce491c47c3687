package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mautic-dsar/mautic-dsar/services/servertest"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
)

// lockedBuffer is a goroutine-safe log sink.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newRecorder(t *testing.T) (*tracetest.SpanRecorder, *sdktrace.TracerProvider) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	return rec, tp
}

// waitSpans waits until at least n spans have ended (spans end just after
// the response is written).
func waitSpans(t *testing.T, rec *tracetest.SpanRecorder, n int) []sdktrace.ReadOnlySpan {
	t.Helper()
	for i := 0; i < 500; i++ {
		if s := rec.Ended(); len(s) >= n {
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("only %d spans ended, want %d", len(rec.Ended()), n)
	return nil
}

func TestRESTCallIsOneTrace(t *testing.T) {
	rec, tp := newRecorder(t)
	logs := &lockedBuffer{}
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithTracerProvider(tp),
		servertest.WithLogger(telemetry.NewLogger(logs, slog.LevelDebug)))
	if code, _, body := srv.Do(t, http.MethodGet, "/v1/tenants/ok?view=x", servertest.OperatorKey, ""); code != 200 {
		t.Fatalf("HTTP %d %s", code, body)
	}
	spans := waitSpans(t, rec, 3)
	byKind := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byKind[s.SpanKind().String()+" "+s.Name()] = s
	}
	httpSpan, ok1 := byKind["server GET /v1/tenants/{tenant_id}"]
	client, ok2 := byKind["client dsar.v1.TenantService/GetTenant"]
	server, ok3 := byKind["server dsar.v1.TenantService/GetTenant"]
	if !ok1 || !ok2 || !ok3 {
		t.Fatalf("spans: %v", keys(byKind))
	}
	tid := httpSpan.SpanContext().TraceID()
	if client.SpanContext().TraceID() != tid || server.SpanContext().TraceID() != tid {
		t.Fatal("REST, gateway client and gRPC server spans do not share one trace")
	}
	if client.Parent().SpanID() != httpSpan.SpanContext().SpanID() || server.Parent().SpanID() != client.SpanContext().SpanID() {
		t.Error("spans are not parent → child")
	}
	var tagged bool
	for _, kv := range server.Attributes() {
		tagged = tagged || (kv.Key == "dsar.tenant_id" && kv.Value.AsString() == "ok")
	}
	if !tagged {
		t.Errorf("gRPC server span lacks dsar.tenant_id: %v", server.Attributes())
	}
	for _, kv := range httpSpan.Attributes() {
		if kv.Key == "url.full" || kv.Key == "url.query" || strings.Contains(kv.Value.String(), "view=x") {
			t.Errorf("HTTP span records the query: %s=%s", kv.Key, kv.Value.String())
		}
	}
	if !strings.Contains(logs.String(), `"trace_id":"`+tid.String()+`"`) {
		t.Errorf("call log line lacks the trace id: %s", logs.String())
	}
}

// TestHealthNotTraced checks /healthz and gRPC health checks make no spans.
func TestHealthNotTraced(t *testing.T) {
	rec, tp := newRecorder(t)
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithTracerProvider(tp))
	srv.Do(t, http.MethodGet, "/healthz", "", "")
	srv.Do(t, http.MethodGet, "/v1/tenants/ok", servertest.OperatorKey, "")
	for _, s := range waitSpans(t, rec, 3) {
		if strings.Contains(s.Name(), "health") {
			t.Errorf("health traced: %s", s.Name())
		}
	}
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
