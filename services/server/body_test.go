package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/servertest"
)

func TestBadBodies(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithMaxBodyBytes(4096))
	big := `{"tenantId":"t1","displayName":"` + strings.Repeat("x", 5000) + `"}`
	tests := []struct {
		name, path, body string
		http             int
		reason           string
		msgHas           string
		msgHasNot        string
	}{
		{"ok", "/v1/tenants", `{"tenantId":"t1","customerId":"acme","baseUrl":"https://m.example.com"}`, 200, "", "", ""},
		{"too large", "/v1/tenants", big, 413, "BODY_TOO_LARGE", "request body exceeds 4096 bytes", ""},
		{"malformed", "/v1/tenants", `{"tenantId": "t1",`, 400, "", "invalid JSON body", ""},
		{"not json", "/v1/tenants", `bob@canary.example`, 400, "", "invalid JSON body", "canary"},
		{"unknown field", "/v1/tenants", `{"tenantId":"t1","bogus":1}`, 400, "", `unknown field "bogus"`, ""},
		{"unknown field with pii", "/v1/tenants", `{"bob@canary.example":1}`, 400, "", "unknown field", "canary"},
		{"wrong type with pii", "/v1/tenants", `{"tenantId":{"x":"bob@canary.example"}}`, 400, "", "invalid value for string field tenantId", "canary"},
		{"unknown enum", "/v1/requests", `{"type":"REQUEST_TYPE_FOO","subject":{"email":"a@b.c"}}`, 400, "", "invalid value for enum field type", "REQUEST_TYPE_FOO"},
		{"enum ok", "/v1/requests", `{"type":"REQUEST_TYPE_ACCESS","subject":{"email":"a@b.c"}}`, 200, "", "", ""},
		{"bad query value", "/v1/requests?pageSize=bob@canary.example", ``, 400, "", `invalid query parameter "page_size"`, "canary"},
		{"bad enum query", "/v1/requests?state=NOPE", ``, 400, "", `invalid query parameter "state"`, "NOPE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := http.MethodPost
			if tc.body == "" {
				method = http.MethodGet
			}
			code, _, body := srv.Do(t, method, tc.path, servertest.OperatorKey, tc.body)
			if code != tc.http {
				t.Fatalf("HTTP %d, want %d: %s", code, tc.http, body)
			}
			if tc.http == 200 {
				return
			}
			st := decodeStatus(t, body)
			if st.Code != 3 {
				t.Errorf("code %d, want 3 (INVALID_ARGUMENT)", st.Code)
			}
			if !strings.Contains(st.Message, tc.msgHas) {
				t.Errorf("message %q lacks %q", st.Message, tc.msgHas)
			}
			if tc.msgHasNot != "" && strings.Contains(string(body), tc.msgHasNot) {
				t.Errorf("body echoes %q: %s", tc.msgHasNot, body)
			}
			if st.reason() != tc.reason {
				t.Errorf("reason %q, want %q", st.reason(), tc.reason)
			}
		})
	}
}

// TestChunkedBodyTooLarge sends an oversized body without Content-Length.
func TestChunkedBodyTooLarge(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()), servertest.WithMaxBodyBytes(4096))
	body := `{"tenantId":"t1","displayName":"` + strings.Repeat("x", 9000) + `"}`
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL+"/v1/tenants", io.MultiReader(strings.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+servertest.OperatorKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 413 || decodeStatus(t, b).reason() != "BODY_TOO_LARGE" {
		t.Fatalf("HTTP %d: %s", resp.StatusCode, b)
	}
}

func TestStreamingThroughGateway(t *testing.T) {
	srv := servertest.New(t, servertest.WithServices(servertestServices()))

	code, hdr, body := srv.Do(t, http.MethodGet, "/v1/requests/req-1/package", servertest.OperatorKey, "")
	if code != 200 || hdr.Get("Content-Type") != "application/zip" {
		t.Fatalf("download: HTTP %d %q", code, hdr.Get("Content-Type"))
	}
	if hdr.Get("Content-Disposition") != `attachment; filename="req-1.zip"` || hdr.Get("Grpc-Metadata-Internal-X") != "" {
		t.Errorf("download headers: %v", hdr)
	}
	if !bytes.Equal(body, packageData) {
		t.Fatalf("download corrupted: %d bytes, want %d", len(body), len(packageData))
	}
	code, _, body = srv.Do(t, http.MethodGet, "/v1/requests/nope/package", servertest.OperatorKey, "")
	if code != 400 || decodeStatus(t, body).reason() != "PACKAGE_NOT_AVAILABLE" {
		t.Errorf("missing package: HTTP %d %s", code, body)
	}

	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/v1/requests/req-broken/package", nil)
	req.Header.Set("Authorization", "Bearer "+servertest.OperatorKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	partial, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err == nil || bytes.Contains(partial, []byte("error")) {
		t.Errorf("a download broken mid-stream must fail the transfer, got %d bytes, err %v", len(partial), err)
	}

	code, _, body = srv.Do(t, http.MethodGet, "/v1/requests/req-1:watch", servertest.OperatorKey, "")
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if code != 200 || len(lines) != 3 || !strings.Contains(lines[2], `"state":"REQUEST_STATE_SUCCEEDED"`) || !strings.HasPrefix(lines[0], `{"result":`) {
		t.Errorf("watch: HTTP %d, %d lines: %s", code, len(lines), body)
	}
	code, _, body = srv.Do(t, http.MethodGet, "/v1/requests/nope:watch", servertest.OperatorKey, "")
	if code != 404 || decodeStatus(t, body).reason() != "REQUEST_NOT_FOUND" {
		t.Errorf("watch unknown: HTTP %d %s", code, body)
	}
}
