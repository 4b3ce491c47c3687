package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// TestQueryUpdateMask checks that a PATCH's ?updateMask= reaches the body
// (the body:"*" route would otherwise drop it and change every field sent).
func TestQueryUpdateMask(t *testing.T) {
	tests := []struct {
		name, method, url, body string
		wantStatus              int
		wantBody                string // exact body seen by the next handler
		wantQuery               string
	}{
		{"no mask passes through", http.MethodPatch, "/v1/tenants/t", `{"displayName":"x"}`, 200, `{"displayName":"x"}`, ""},
		{"not a PATCH", http.MethodGet, "/v1/tenants?updateMask=a", ``, 200, ``, "updateMask=a"},
		{"query mask moves into body", http.MethodPatch, "/v1/tenants/t?updateMask=displayName", `{"displayName":"x","maxConcurrency":7}`, 200, `{"displayName":"x","maxConcurrency":7,"updateMask":"displayName"}`, ""},
		{"proto names become JSON names", http.MethodPatch, "/v1/tenants/t?update_mask=display_name,max_concurrency", `{}`, 200, `{"updateMask":"displayName,maxConcurrency"}`, ""},
		{"repeated params", http.MethodPatch, "/v1/tenants/t?updateMask=labels&updateMask=baseUrl&x=1", ``, 200, `{"updateMask":"labels,baseUrl"}`, "x=1"},
		{"mask in both places", http.MethodPatch, "/v1/tenants/t?updateMask=labels", `{"updateMask":"displayName"}`, 400, "", ""},
		{"body not an object", http.MethodPatch, "/v1/tenants/t?updateMask=labels", `[1]`, 400, "", ""},
	}
	mux := runtime.NewServeMux(runtime.WithErrorHandler(errorHandler))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var gotBody, gotQuery string
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody, gotQuery = string(b), r.URL.RawQuery
			})
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			queryUpdateMask(next, mux).ServeHTTP(rec, req)
			if rec.Code != tc.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", rec.Code, tc.wantStatus, rec.Body)
			}
			if tc.wantStatus != 200 {
				if !strings.Contains(rec.Body.String(), `"code":3`) {
					t.Errorf("error body = %s, want a google.rpc.Status with code 3", rec.Body)
				}
				return
			}
			if gotBody != tc.wantBody || gotQuery != tc.wantQuery {
				t.Errorf("next saw body %q query %q, want %q %q", gotBody, gotQuery, tc.wantBody, tc.wantQuery)
			}
		})
	}
}
