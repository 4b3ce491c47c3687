package mautic_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// env is an emulated fleet on loopback plus a client recording its spans.
type env struct {
	fleet  *mautictest.Fleet
	srv    *httptest.Server
	client *mautic.Client
	spans  *tracetest.SpanRecorder
	tr     *http.Transport
}

func newEnv(t testing.TB, n int, opts ...mautictest.FleetOption) *env {
	t.Helper()
	f := mautictest.NewFleet(n, opts...)
	srv := httptest.NewServer(f)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	e := &env{fleet: f, srv: srv, spans: rec, tr: tr,
		client: mautic.NewClient(mautic.WithTracerProvider(tp), mautic.WithTransport(tr))}
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		tr.CloseIdleConnections()
		_ = tp.Shutdown(t.Context())
	})
	return e
}

// basic is a Conn to instance i with Basic Auth.
func (e *env) basic(i int) *mautic.Conn {
	return e.client.Conn(mautic.Instance{
		TenantID: "t" + itoa(i), BaseURL: mautictest.InstanceURL(e.srv.URL, i),
		Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(i)},
		Timeout:     5 * time.Second,
	})
}

// oauth is a Conn to instance i with OAuth2 client credentials.
func (e *env) oauth(i int) *mautic.Conn {
	return e.client.Conn(mautic.Instance{
		TenantID: "o" + itoa(i), BaseURL: mautictest.InstanceURL(e.srv.URL, i),
		Credentials: mautic.Credentials{ClientID: mautictest.ClientID(i), ClientSecret: mautictest.ClientSecret(i)},
		Timeout:     5 * time.Second,
	})
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func withCancel(t testing.TB) (context.Context, context.CancelFunc) {
	return context.WithCancel(t.Context())
}
