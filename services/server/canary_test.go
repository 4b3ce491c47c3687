package server_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/servertest"
	"github.com/mautic-dsar/mautic-dsar/services/telemetry"
)

const (
	canaryEmail    = "canary-7f3a9c@pii-canary.example"
	canaryPassword = "canary-pass-5d1e8b"
)

// TestNoPersonalDataInTelemetry sends a canary password and a canary email
// through REST and gRPC (good and bad requests) and checks that neither
// appears in any span name, attribute, event, status description or log
// line.
func TestNoPersonalDataInTelemetry(t *testing.T) {
	rec, tp := newRecorder(t)
	logs := &lockedBuffer{}
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithTracerProvider(tp),
		servertest.WithLogger(telemetry.NewLogger(logs, slog.LevelDebug)))
	key := servertest.OperatorKey

	tenantBody := `{"tenantId":"acme-eu","customerId":"acme","baseUrl":"https://m.example.com","basicAuth":{"username":"api","password":"` + canaryPassword + `"}}`
	requestBody := `{"idempotencyKey":"t-1","type":"REQUEST_TYPE_ERASURE","subject":{"email":"` + canaryEmail + `"},"target":{"tenantIds":["acme-eu"]}}`
	rest := []struct{ method, path, body string }{
		{http.MethodPost, "/v1/tenants", tenantBody},
		{http.MethodPost, "/v1/requests", requestBody},
		{http.MethodPost, "/v1/requests", `{"type":"REQUEST_TYPE_ERASURE","subject":{"email":"` + canaryEmail + `"},"bogus":1}`},
		{http.MethodPost, "/v1/requests", `{"type":"` + canaryEmail + `"}`},
		{http.MethodPost, "/v1/requests", `{"subject":"` + canaryEmail + `"}`},
		{http.MethodPost, "/v1/requests", `{"` + canaryEmail + `":1}`},
		{http.MethodPost, "/v1/tenants", `{"basicAuth":{"password":` + canaryPassword + `}}`},
		{http.MethodGet, "/v1/requests?pageSize=" + canaryEmail, ""},
	}
	for _, r := range rest {
		code, _, body := srv.Do(t, r.method, r.path, key, r.body)
		if strings.Contains(string(body), canaryPassword) {
			t.Errorf("%s %s: answer contains the password: %s", r.method, r.path, body)
		}
		if code >= 400 && strings.Contains(string(body), canaryEmail) {
			t.Errorf("%s %s: error echoes the email: %s", r.method, r.path, body)
		}
	}
	ctx := servertest.WithBearer(context.Background(), key)
	if _, err := dsarv1.NewTenantServiceClient(srv.Conn).CreateTenant(ctx, &dsarv1.CreateTenantRequest{Tenant: &dsarv1.Tenant{
		TenantId: "acme-us", CustomerId: "acme", BaseUrl: "https://m.example.com",
		BasicAuth: &dsarv1.BasicAuth{Username: "api", Password: canaryPassword},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := dsarv1.NewRequestServiceClient(srv.Conn).CreateRequest(ctx, &dsarv1.CreateRequestRequest{
		Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, Subject: &dsarv1.Subject{Email: canaryEmail},
	}); err != nil {
		t.Fatal(err)
	}

	// 2 good REST calls × 3 spans, 6 rejected by the gateway × 1, 2 gRPC calls × 1.
	spans := waitSpans(t, rec, 14)
	for _, s := range spans {
		for _, where := range spanTexts(s) {
			for _, canary := range []string{canaryEmail, canaryPassword, "pii-canary"} {
				if strings.Contains(where, canary) {
					t.Errorf("span %q leaks %q in %q", s.Name(), canary, where)
				}
			}
		}
	}
	out := logs.String()
	if !strings.Contains(out, "rpc finished") {
		t.Fatal("no call logs captured")
	}
	for _, canary := range []string{canaryEmail, canaryPassword, "pii-canary"} {
		if strings.Contains(out, canary) {
			t.Errorf("logs leak %q", canary)
		}
	}
}

// spanTexts lists everything a span exports as text.
func spanTexts(s sdktrace.ReadOnlySpan) []string {
	out := []string{s.Name(), s.Status().Description}
	for _, kv := range s.Attributes() {
		out = append(out, string(kv.Key)+"="+kv.Value.String())
	}
	for _, ev := range s.Events() {
		out = append(out, ev.Name)
		for _, kv := range ev.Attributes {
			out = append(out, string(kv.Key)+"="+kv.Value.String())
		}
	}
	for _, l := range s.Links() {
		for _, kv := range l.Attributes {
			out = append(out, kv.Value.String())
		}
	}
	return out
}
