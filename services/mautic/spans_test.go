package mautic_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestSpansNamedByRouteWithoutPersonalData(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	const email = "secret.person+x@example.com"
	id := in.AddContact(map[string]any{"email": email, "firstname": "Secretive"})
	in.SeedEvents(id, 3)
	ctx := t.Context()
	cn := e.oauth(1)
	if _, err := cn.FindByEmail(ctx, email); err != nil {
		t.Fatal(err)
	}
	if _, err := cn.GetContact(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := cn.AddDNC(ctx, id, "email", 3, "asked by "+email); err != nil {
		t.Fatal(err)
	}
	if err := cn.EachEvent(ctx, id, func(mautic.Event) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := cn.DeleteContact(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err := cn.GetContact(ctx, id)
	if err == nil || strings.Contains(err.Error(), email) {
		t.Fatalf("err = %v", err)
	}
	allowed := map[string]bool{
		"POST /oauth/v2/token": true, "GET /api/contacts": true, "GET /api/contacts/{id}": true,
		"POST /api/contacts/{id}/dnc/{channel}/add": true, "GET /api/contacts/{id}/activity": true,
		"DELETE /api/contacts/{id}/delete": true,
	}
	spans := e.spans.Ended()
	if len(spans) < 6 {
		t.Fatalf("%d spans", len(spans))
	}
	var sawNotFound bool
	for _, s := range spans {
		if !allowed[s.Name()] {
			t.Errorf("span name %q is not a route template", s.Name())
		}
		attrs := map[string]string{}
		for _, a := range s.Attributes() {
			v := a.Value.String()
			attrs[string(a.Key)] = v
			if strings.Contains(v, email) || strings.Contains(v, "?") || strings.Contains(v, "Secretive") {
				t.Errorf("span %s attribute %s leaks: %q", s.Name(), a.Key, v)
			}
			switch a.Key {
			case "url.full", "url.query", "http.url", "url.path":
				t.Errorf("span %s has forbidden attribute %s", s.Name(), a.Key)
			}
		}
		for _, k := range []string{"http.request.method", "url.template", "server.address", "http.response.status_code", "dsar.tenant_id"} {
			if attrs[k] == "" {
				t.Errorf("span %s lacks %s", s.Name(), k)
			}
		}
		if attrs["server.address"] != "127.0.0.1" {
			t.Errorf("server.address = %q", attrs["server.address"])
		}
		if attrs["error.type"] == "not_found" {
			sawNotFound = true
		}
		for _, ev := range s.Events() {
			t.Errorf("span %s has event %q (may carry data)", s.Name(), ev.Name)
		}
	}
	if !sawNotFound {
		t.Error("no span with error.type not_found")
	}
}

func TestTraceHeadersOnlyWhenAsked(t *testing.T) {
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator())
	var got []string
	fleet := mautictest.NewFleet(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Traceparent"))
		fleet.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(t.Context()) }()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := mautic.NewClient(mautic.WithTracerProvider(tp), mautic.WithTransport(tr))
	ctx, span := tp.Tracer("test").Start(t.Context(), "parent")
	defer span.End()
	for _, propagate := range []bool{false, true} {
		cn := c.Conn(mautic.Instance{TenantID: "p", BaseURL: mautictest.InstanceURL(srv.URL, 1), PropagateTrace: propagate,
			Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(1)}})
		if _, err := cn.Ping(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0] != "" || got[1] == "" {
		t.Fatalf("traceparent headers = %q", got)
	}
}
