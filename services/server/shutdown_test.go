package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/server"
	"github.com/mautic-dsar/mautic-dsar/services/servertest"
)

// TestGracefulShutdownDrains starts the real two-listener server, parks a
// REST call and a gRPC call in a slow handler, cancels the serve context and
// checks that both calls still complete and Serve returns nil.
func TestGracefulShutdownDrains(t *testing.T) {
	fake := &tenants{entered: make(chan struct{}, 2), release: make(chan struct{})}
	srv, err := server.New(server.Config{ShutdownTimeout: time.Minute}, authn.NewAuthenticator(nil, servertest.OperatorKey), server.Services{Tenants: fake})
	if err != nil {
		t.Fatal(err)
	}
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, gl, hl) }()

	conn, err := grpc.NewClient(gl.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()

	type result struct {
		what string
		err  error
		code int
	}
	results := make(chan result, 2)
	go func() {
		_, err := dsarv1.NewTenantServiceClient(conn).GetTenant(servertest.WithBearer(context.Background(), servertest.OperatorKey), &dsarv1.GetTenantRequest{TenantId: "slow"})
		results <- result{what: "grpc", err: err}
	}()
	go func() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "http://"+hl.Addr().String()+"/v1/tenants/slow", nil)
		req.Header.Set("Authorization", "Bearer "+servertest.OperatorKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			results <- result{what: "rest", err: err}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		results <- result{what: "rest", code: resp.StatusCode}
	}()
	<-fake.entered
	<-fake.entered // both calls are in the handler

	cancel() // SIGINT/SIGTERM in production
	// While draining, new connections are refused or answered 503; wait
	// until the HTTP listener is closed, then let the parked calls finish.
	for {
		c, err := net.Dial("tcp", hl.Addr().String())
		if err != nil {
			break
		}
		_ = c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	close(fake.release)
	for range 2 {
		r := <-results
		if r.err != nil || (r.what == "rest" && r.code != 200) {
			t.Errorf("%s call not drained: err %v, HTTP %d", r.what, r.err, r.code)
		}
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	http.DefaultClient.CloseIdleConnections()
}
