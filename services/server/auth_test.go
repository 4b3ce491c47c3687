package server_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/servertest"
)

func TestAuth(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()))
	for _, tc := range []struct {
		name, key string
		http      int
		code      codes.Code
	}{
		{"missing", "", 401, codes.Unauthenticated},
		{"unknown", "not-the-key-0123456789abcdef0123456789", 401, codes.Unauthenticated},
		{"operator", servertest.OperatorKey, 200, codes.OK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := srv.Do(t, http.MethodGet, "/v1/tenants/whoami", tc.key, "")
			if code != tc.http {
				t.Fatalf("HTTP %d, want %d: %s", code, tc.http, body)
			}
			if tc.http == 401 {
				if st := decodeStatus(t, body); st.Message != "invalid or missing bearer token" || st.Code != int(codes.Unauthenticated) {
					t.Errorf("body %s", body)
				}
			} else if !strings.Contains(string(body), `"displayName":"bootstrap/ROLE_OPERATOR"`) {
				t.Errorf("principal not in handler context: %s", body)
			}
			ctx := context.Background()
			if tc.key != "" {
				ctx = servertest.WithBearer(ctx, tc.key)
			}
			_, err := dsarv1.NewTenantServiceClient(srv.Conn).GetTenant(ctx, &dsarv1.GetTenantRequest{TenantId: "whoami"})
			if status.Code(err) != tc.code {
				t.Fatalf("gRPC %v, want %v", err, tc.code)
			}
			// Streams are authenticated too.
			stream, err := dsarv1.NewRequestServiceClient(srv.Conn).WatchRequest(ctx, &dsarv1.WatchRequestRequest{RequestId: "req-1"})
			if err == nil {
				_, err = stream.Recv()
			}
			if status.Code(err) != tc.code {
				t.Fatalf("gRPC stream %v, want %v", err, tc.code)
			}
		})
	}
}

func TestPublicEndpoints(t *testing.T) {
	var ready atomic.Bool
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithReady(ready.Load))
	ctx := context.Background()

	resp, err := healthpb.NewHealthClient(srv.Conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health without auth: %v %v", resp, err)
	}
	rc, err := reflectionpb.NewServerReflectionClient(srv.Conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rc.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	rr, err := rc.Recv()
	if err != nil {
		t.Fatalf("reflection without auth: %v", err)
	}
	_ = rc.CloseSend()
	var names []string
	for _, s := range rr.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	if !strings.Contains(strings.Join(names, ","), "dsar.v1.TenantService") {
		t.Errorf("reflection lists %v", names)
	}

	if code, _, body := srv.Do(t, http.MethodGet, "/healthz", "", ""); code != 503 {
		t.Errorf("/healthz before ready: %d %s", code, body)
	}
	ready.Store(true)
	if code, _, body := srv.Do(t, http.MethodGet, "/healthz", "", ""); code != 200 || !strings.Contains(string(body), "SERVING") {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, hdr, body := srv.Do(t, http.MethodGet, "/openapi.json", "", "")
	if code != 200 || hdr.Get("Content-Type") != "application/json" || !strings.Contains(string(body), `"swagger"`) {
		t.Errorf("/openapi.json: %d %s %.80s", code, hdr.Get("Content-Type"), body)
	}
}
