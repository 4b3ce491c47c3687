package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/servertest"
)

// statusJSON is the google.rpc.Status JSON body of an error.
type statusJSON struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Details []struct {
		Type            string            `json:"@type"`
		Reason          string            `json:"reason"`
		Domain          string            `json:"domain"`
		Metadata        map[string]string `json:"metadata"`
		FieldViolations []struct {
			Field       string `json:"field"`
			Description string `json:"description"`
		} `json:"fieldViolations"`
		RetryDelay string `json:"retryDelay"`
	} `json:"details"`
}

func decodeStatus(t *testing.T, b []byte) statusJSON {
	t.Helper()
	var s statusJSON
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("body is not google.rpc.Status JSON: %v: %s", err, b)
	}
	return s
}

func (s statusJSON) reason() string {
	for _, d := range s.Details {
		if strings.HasSuffix(d.Type, "google.rpc.ErrorInfo") {
			return d.Reason
		}
	}
	return ""
}

func TestErrorMapping(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()))
	tests := []struct {
		id         string
		code       codes.Code
		httpStatus int
		reason     string
		message    string // exact; "" = not checked
	}{
		{"ok", codes.OK, 200, "", ""},
		{"kind-invalid", codes.InvalidArgument, 400, "INVALID_ARGUMENT", "invalid tenant.baseUrl: must be https"},
		{"kind-unauth", codes.Unauthenticated, 401, "UNAUTHENTICATED", "invalid or missing bearer token"},
		{"kind-denied", codes.PermissionDenied, 403, "PERMISSION_DENIED", "customer keys may not do this"},
		{"kind-notfound", codes.NotFound, 404, "TENANT_NOT_FOUND", `tenant "x" not found`},
		{"kind-exists", codes.AlreadyExists, 409, "TENANT_ALREADY_EXISTS", "tenant exists"},
		{"kind-precondition", codes.FailedPrecondition, 400, "REQUEST_STATE_CONFLICT", "request is finished"},
		{"kind-unavailable", codes.Unavailable, 503, "MAUTIC_RATE_LIMITED", "rate limited"},
		{"kind-exhausted", codes.ResourceExhausted, 429, "", "too many requests"},
		{"kind-deadline", codes.DeadlineExceeded, 504, "", "took too long"},
		{"kind-internal", codes.Internal, 500, "INTERNAL", "internal error"},
		{"plain", codes.Internal, 500, "INTERNAL", "internal error"},
		{"wrapped-status-internal", codes.Internal, 500, "INTERNAL", "internal error"},
		{"panic", codes.Internal, 500, "", "internal error"},
		{"status", codes.Aborted, 409, "", "aborted by test"},
		{"canceled", codes.Canceled, 499, "", ""},
		{"deadline", codes.DeadlineExceeded, 504, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			// REST, through the real gateway.
			code, hdr, body := srv.Do(t, http.MethodGet, "/v1/tenants/"+tc.id, servertest.OperatorKey, "")
			if code != tc.httpStatus {
				t.Fatalf("HTTP %d, want %d: %s", code, tc.httpStatus, body)
			}
			if hdr.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id header")
			}
			if tc.code != codes.OK {
				st := decodeStatus(t, body)
				if codes.Code(st.Code) != tc.code {
					t.Errorf("body code %d, want %d", st.Code, tc.code)
				}
				if tc.message != "" && st.Message != tc.message {
					t.Errorf("message %q, want %q", st.Message, tc.message)
				}
				if st.reason() != tc.reason {
					t.Errorf("reason %q, want %q", st.reason(), tc.reason)
				}
				if strings.Contains(string(body), "cause-detail") || strings.Contains(string(body), "disk on fire") || strings.Contains(string(body), "/var/secret") {
					t.Errorf("cause leaked: %s", body)
				}
			}
			// gRPC, same server.
			ctx := servertest.WithBearer(context.Background(), servertest.OperatorKey)
			_, err := dsarv1.NewTenantServiceClient(srv.Conn).GetTenant(ctx, &dsarv1.GetTenantRequest{TenantId: tc.id})
			st := status.Convert(err)
			if st.Code() != tc.code {
				t.Fatalf("gRPC code %v, want %v (%v)", st.Code(), tc.code, err)
			}
			if tc.message != "" && st.Message() != tc.message {
				t.Errorf("gRPC message %q, want %q", st.Message(), tc.message)
			}
			var reason string
			for _, d := range st.Details() {
				if ei, ok := d.(*errdetails.ErrorInfo); ok {
					reason = ei.GetReason()
					if ei.GetDomain() != "mautic-dsar" {
						t.Errorf("domain %q", ei.GetDomain())
					}
				}
			}
			if reason != tc.reason {
				t.Errorf("gRPC reason %q, want %q", reason, tc.reason)
			}
		})
	}
}

func TestErrorDetails(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()))
	code, hdr, body := srv.Do(t, http.MethodGet, "/v1/tenants/kind-unavailable", servertest.OperatorKey, "")
	if code != 503 || hdr.Get("Retry-After") != "3" {
		t.Fatalf("HTTP %d Retry-After %q, want 503 and 3: %s", code, hdr.Get("Retry-After"), body)
	}
	st := decodeStatus(t, body)
	var sawRetry, sawMeta bool
	for _, d := range st.Details {
		sawRetry = sawRetry || d.RetryDelay == "2.500s"
		sawMeta = sawMeta || d.Metadata["retry_after_s"] == "3"
	}
	if !sawRetry || !sawMeta {
		t.Errorf("RetryInfo/metadata missing: %s", body)
	}

	code, _, body = srv.Do(t, http.MethodGet, "/v1/tenants/kind-invalid", servertest.OperatorKey, "")
	st = decodeStatus(t, body)
	var fv bool
	for _, d := range st.Details {
		for _, v := range d.FieldViolations {
			fv = fv || (v.Field == "tenant.baseUrl" && v.Description == "must be https")
		}
	}
	if code != 400 || !fv {
		t.Errorf("BadRequest field violation missing (HTTP %d): %s", code, body)
	}

	code, hdr, body = srv.Do(t, http.MethodGet, "/v1/tenants/ok", "", "")
	if code != 401 || hdr.Get("WWW-Authenticate") == "" {
		t.Errorf("HTTP %d, WWW-Authenticate %q: %s", code, hdr.Get("WWW-Authenticate"), body)
	}
}

func TestRequestIDEcho(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()))
	for _, tc := range []struct{ in, want string }{
		{"abc-123", "abc-123"},
		{"bad id with spaces", ""}, // replaced by a generated one
	} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/v1/tenants/ok", nil)
		req.Header.Set("Authorization", "Bearer "+servertest.OperatorKey)
		req.Header.Set("X-Request-Id", tc.in)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		got := resp.Header.Get("X-Request-Id")
		if tc.want != "" && got != tc.want || tc.want == "" && (got == "" || got == tc.in) {
			t.Errorf("X-Request-Id %q for %q", got, tc.in)
		}
	}
}
