package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/app"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// running is one Run of the service.
type running struct {
	addrs  app.Addrs
	key    string
	cancel context.CancelFunc
	done   chan error
}

func start(t *testing.T, dir string, stdout, stderr io.Writer, procs ...sdktrace.SpanProcessor) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan app.Addrs, 1)
	r := &running{cancel: cancel, done: make(chan error, 1)}
	go func() {
		r.done <- app.Run(ctx, app.Config{
			DataDir: dir, GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", Demo: true,
			Stdout: stdout, Stderr: stderr, SpanProcessors: procs,
			OnReady: func(a app.Addrs) { ready <- a },
		})
	}()
	select {
	case r.addrs = <-ready:
	case err := <-r.done:
		t.Fatalf("Run: %v", err)
	}
	key, err := os.ReadFile(filepath.Join(dir, app.DemoOperatorKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	r.key = strings.TrimSpace(string(key))
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	if err := <-r.done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	http.DefaultClient.CloseIdleConnections()
}

// call sends a REST request and decodes the JSON answer into out (if set).
func (r *running) call(t *testing.T, method, path, body string, out any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, "http://"+r.addrs.HTTP+path, rd)
	req.Header.Set("Authorization", "Bearer "+r.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, b
}

// request is the part of a Request the end-to-end tests read.
type request struct {
	RequestID string `json:"requestId"`
	State     string `json:"state"`
	Package   struct {
		Available bool `json:"available"`
	} `json:"package"`
	Tasks []task `json:"tasks"`
}

// task is the part of a Task the end-to-end tests read.
type task struct {
	TenantID     string   `json:"tenantId"`
	State        string   `json:"state"`
	MatchCount   int      `json:"matchCount"`
	ContactIDs   []string `json:"contactIds"`
	Verification string   `json:"verification"`
	Candidates   []struct {
		ContactID string `json:"contactId"`
	} `json:"candidates"`
}

// await polls a request until it is terminal.
func (r *running) await(t *testing.T, id string) request {
	t.Helper()
	for i := 0; i < 1200; i++ {
		var req request
		if code, b := r.call(t, http.MethodGet, "/v1/requests/"+id, "", &req); code != 200 {
			t.Fatalf("get request: %d %s", code, b)
		}
		switch req.State {
		case "REQUEST_STATE_SUCCEEDED", "REQUEST_STATE_PARTIALLY_SUCCEEDED", "REQUEST_STATE_FAILED", "REQUEST_STATE_CANCELLED", "REQUEST_STATE_AWAITING_CONFIRMATION":
			return req
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("request %s did not finish", id)
	return request{}
}

const (
	subject        = "bob@example.org"
	canaryEmail    = "canary-31c7@pii-canary.example"
	canaryPassword = "canary-pw-9e2f4a"
)

// TestDemoEndToEnd runs the whole service in demo mode: tenants, an access
// request with its package, an erasure over a customer's tenants, gRPC,
// a restart; and checks that no subject email or Mautic secret shows up in
// stdout, stderr, spans or any file under the data directory.
func TestDemoEndToEnd(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "none")
	dir := t.TempDir()
	stdout, stderr := &syncBuf{}, &syncBuf{}
	rec := tracetest.NewSpanRecorder()
	r := start(t, dir, stdout, stderr, rec)

	var list struct {
		Tenants []struct{ TenantID, BaseURL string } `json:"tenants"`
	}
	if code, b := r.call(t, http.MethodGet, "/v1/tenants", "", &list); code != 200 || len(list.Tenants) != 3 {
		t.Fatalf("tenants: %d %s", code, b)
	}

	var created struct{ request }
	code, b := r.call(t, http.MethodPost, "/v1/requests", `{"idempotencyKey":"e2e-access","type":"REQUEST_TYPE_ACCESS","subject":{"email":"`+subject+`"},"target":{"tenantIds":["acme-eu"]}}`, &created.request)
	if code != 200 {
		t.Fatalf("create access: %d %s", code, b)
	}
	if acc := r.await(t, created.RequestID); acc.State != "REQUEST_STATE_SUCCEEDED" {
		t.Fatalf("access request ended %s", acc.State)
	}
	for i := 0; ; i++ {
		var acc request
		r.call(t, http.MethodGet, "/v1/requests/"+created.RequestID, "", &acc)
		if acc.Package.Available {
			break
		}
		if i == 1200 {
			t.Fatal("the access package never became available")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if files := r.packageFiles(t, created.RequestID); len(files) == 0 {
		t.Fatal("package is a zip without files")
	}

	var erasure request
	if code, b := r.call(t, http.MethodPost, "/v1/requests", `{"idempotencyKey":"e2e-erasure","type":"REQUEST_TYPE_ERASURE","subject":{"email":"`+subject+`"},"target":{"customerId":"acme"}}`, &erasure); code != 200 {
		t.Fatalf("create erasure: %d %s", code, b)
	}
	erasure = r.await(t, erasure.RequestID)
	if erasure.State != "REQUEST_STATE_SUCCEEDED" || len(erasure.Tasks) != 2 {
		t.Fatalf("erasure: %+v", erasure)
	}

	// gRPC on the other listener, same key.
	conn, err := grpc.NewClient(r.addrs.GRPC, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+r.key)
	lr, err := dsarv1.NewTenantServiceClient(conn).ListTenants(ctx, &dsarv1.ListTenantsRequest{CustomerId: "acme"})
	if err != nil || len(lr.GetTenants()) != 2 {
		t.Fatalf("gRPC ListTenants: %v %v", lr, err)
	}
	// Canaries: a tenant password over REST and gRPC, a subject email that
	// exists nowhere.
	if code, b := r.call(t, http.MethodPost, "/v1/tenants", `{"tenantId":"canary-1","customerId":"canary","baseUrl":"http://127.0.0.1:9/i/1","basicAuth":{"username":"api","password":"`+canaryPassword+`"}}`, nil); code != 200 {
		t.Fatalf("create canary tenant: %d %s", code, b)
	}
	if _, err := dsarv1.NewTenantServiceClient(conn).CreateTenant(ctx, &dsarv1.CreateTenantRequest{Tenant: &dsarv1.Tenant{
		TenantId: "canary-2", CustomerId: "canary", BaseUrl: "http://127.0.0.1:9/i/2",
		Oauth2: &dsarv1.OAuth2{ClientId: "c", ClientSecret: canaryPassword + "-grpc"},
	}}); err != nil {
		t.Fatal(err)
	}
	var canaryReq request
	if code, b := r.call(t, http.MethodPost, "/v1/requests", `{"idempotencyKey":"e2e-canary","type":"REQUEST_TYPE_ERASURE","subject":{"email":"`+canaryEmail+`"},"target":{"tenantIds":["acme-eu","acme-us"]}}`, &canaryReq); code != 200 {
		t.Fatalf("create canary request: %d %s", code, b)
	}
	if got := r.await(t, canaryReq.RequestID); got.State != "REQUEST_STATE_SUCCEEDED" {
		t.Errorf("canary request ended %s", got.State)
	}
	_ = conn.Close()
	r.stop(t)

	checkTrace(t, rec.Ended())
	secrets := []string{subject, "emulated-1", "emulated-2", "emulated-3", "emulated-secret-2", canaryPassword, canaryEmail, "pii-canary"}
	for name, text := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("%s contains %q", name, s)
			}
		}
	}
	for _, s := range rec.Ended() {
		for _, text := range spanTexts(s) {
			for _, sec := range secrets {
				if strings.Contains(text, sec) {
					t.Errorf("span %q contains %q", s.Name(), sec)
				}
			}
		}
	}
	checkFiles(t, dir, secrets)

	// A restart keeps keys, tenants (re-pointed at the new fleet) and requests.
	r2 := start(t, dir, io.Discard, io.Discard)
	if code, b := r2.call(t, http.MethodGet, "/v1/tenants?customerId=acme", "", &list); code != 200 || len(list.Tenants) != 2 ||
		!strings.HasPrefix(list.Tenants[0].BaseURL, r2.addrs.Fleet) || !strings.HasPrefix(list.Tenants[1].BaseURL, r2.addrs.Fleet) {
		t.Errorf("tenants after restart: %d %s (fleet %s)", code, b, r2.addrs.Fleet)
	}
	var again request
	if code, b := r2.call(t, http.MethodGet, "/v1/requests/"+erasure.RequestID, "", &again); code != 200 || again.State != "REQUEST_STATE_SUCCEEDED" {
		t.Errorf("erasure after restart: %d %s", code, b)
	}
	r2.stop(t)
}

// checkTrace asserts that the REST call creating a request and the Mautic
// calls it caused (client spans "GET /api/contacts", …) share one trace.
func checkTrace(t *testing.T, spans []sdktrace.ReadOnlySpan) {
	t.Helper()
	var creates []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "POST /v1/requests" {
			creates = append(creates, s)
		}
	}
	if len(creates) == 0 {
		t.Fatal("no REST span for POST /v1/requests")
	}
	for _, c := range creates {
		var mautic int
		for _, s := range spans {
			if s.SpanContext().TraceID() == c.SpanContext().TraceID() && s.SpanKind() == trace.SpanKindClient && strings.Contains(s.Name(), " /api/") {
				mautic++
			}
		}
		if mautic == 0 {
			t.Errorf("the Mautic calls of request trace %s are not in the REST call's trace", c.SpanContext().TraceID())
		}
	}
}

// checkFiles asserts no file under dir holds a secret in plain text.
func checkFiles(t *testing.T, dir string, secrets []string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains %q in plain text", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func spanTexts(s sdktrace.ReadOnlySpan) []string {
	out := []string{s.Name(), s.Status().Description}
	for _, kv := range s.Attributes() {
		out = append(out, kv.Value.String())
	}
	for _, ev := range s.Events() {
		out = append(out, ev.Name)
		for _, kv := range ev.Attributes {
			out = append(out, kv.Value.String())
		}
	}
	return out
}
