package server_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/servertest"
)

// BenchmarkUnaryREST measures one authenticated REST call through the
// gateway, the gateway's gRPC client hop and the full interceptor chain.
func BenchmarkUnaryREST(b *testing.B) {
	srv := servertest.New(b, servertest.WithServices(servertestServices()))
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/v1/tenants/ok", nil)
	req.Header.Set("Authorization", "Bearer "+servertest.OperatorKey)
	for b.Loop() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/call")
}

// BenchmarkUnaryGRPC measures the same call over gRPC (bufconn).
func BenchmarkUnaryGRPC(b *testing.B) {
	srv := servertest.New(b, servertest.WithServices(servertestServices()))
	c := dsarv1.NewTenantServiceClient(srv.Conn)
	ctx := servertest.WithBearer(context.Background(), servertest.OperatorKey)
	for b.Loop() {
		if _, err := c.GetTenant(ctx, &dsarv1.GetTenantRequest{TenantId: "ok"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/call")
}
