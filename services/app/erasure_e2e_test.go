package app_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/app"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// startProduction runs the service as in production (explicit keys, no
// demo), allowing http:// tenants so it can reach the emulator.
func startProduction(t *testing.T) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan app.Addrs, 1)
	r := &running{cancel: cancel, done: make(chan error, 1), key: "operator-key-for-the-erasure-acceptance-test"}
	go func() {
		r.done <- app.Run(ctx, app.Config{
			DataDir: t.TempDir(), GRPCAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", AllowHTTPMautic: true,
			OperatorKey: r.key, MasterKey: base64.StdEncoding.EncodeToString([]byte("0123456789abcdef0123456789abcdef")),
			Stdout: io.Discard, Stderr: io.Discard,
			OnReady: func(a app.Addrs) { ready <- a },
		})
	}()
	select {
	case r.addrs = <-ready:
	case err := <-r.done:
		t.Fatalf("Run: %v", err)
	}
	return r
}

func (r *running) erase(t *testing.T, email, target string) request {
	t.Helper()
	var req request
	body := fmt.Sprintf(`{"type":"REQUEST_TYPE_ERASURE","subject":{"email":%q},"target":%s}`, email, target)
	if code, b := r.call(t, http.MethodPost, "/v1/requests", body, &req); code != 200 {
		t.Fatalf("create: %d %s", code, b)
	}
	return r.await(t, req.RequestID)
}

func taskOf(t *testing.T, req request, tenant string) task {
	t.Helper()
	for _, tk := range req.Tasks {
		if tk.TenantID == tenant {
			return tk
		}
	}
	t.Fatalf("no task for %s in %+v", tenant, req)
	return task{}
}

// TestErasureThroughREST is the erasure acceptance test through the real
// listeners, gateway, engine and emulated fleet: exact matching only,
// ambiguity waits for a confirmation, and a 30 % fault rate still ends
// SUCCEEDED with every contact deleted exactly once.
func TestErasureThroughREST(t *testing.T) {
	fleet := mautictest.NewFleet(4)
	srv := httptest.NewServer(fleet)
	defer srv.Close()
	r := startProduction(t)
	defer r.stop(t)

	for i := 1; i <= 4; i++ {
		body := fmt.Sprintf(`{"tenantId":"t%d","customerId":"acme","baseUrl":%q,"basicAuth":{"username":"api","password":%q}}`,
			i, mautictest.InstanceURL(srv.URL, i), fmt.Sprintf("emulated-%d", i))
		if code, b := r.call(t, http.MethodPost, "/v1/tenants", body, nil); code != 200 {
			t.Fatalf("create tenant: %d %s", code, b)
		}
	}
	one, two, three, four := fleet.Instance(1), fleet.Instance(2), fleet.Instance(3), fleet.Instance(4)
	bob := one.AddContact(map[string]any{"email": "bob@example.org"})
	bobUK := one.AddContact(map[string]any{"email": "bob@example.org.uk"})
	aB := one.AddContact(map[string]any{"email": "a_b@x.io"})
	axb := one.AddContact(map[string]any{"email": "axb@x.io"})
	bobUpper := two.AddContact(map[string]any{"email": "Bob@Example.org"})
	dupA := three.AddContact(map[string]any{"email": "bob@example.org", "firstname": "Old"})
	dupB := three.AddContact(map[string]any{"email": "BOB@example.org", "firstname": "New"})
	other := four.AddContact(map[string]any{"email": "bobby@example.org"})

	t.Run("exact matching and ambiguity", func(t *testing.T) {
		req := r.erase(t, "  BOB@example.org ", `{"customerId":"acme"}`)
		if req.State != "REQUEST_STATE_AWAITING_CONFIRMATION" {
			t.Fatalf("state %s, want AWAITING_CONFIRMATION: %+v", req.State, req)
		}
		for tenant, want := range map[string]string{"t1": "TASK_STATE_SUCCEEDED", "t2": "TASK_STATE_SUCCEEDED",
			"t3": "TASK_STATE_NEEDS_CONFIRMATION", "t4": "TASK_STATE_NOT_FOUND"} {
			if got := taskOf(t, req, tenant).State; got != want {
				t.Errorf("%s: %s, want %s", tenant, got, want)
			}
		}
		if tk := taskOf(t, req, "t1"); tk.Verification != "VERIFICATION_VERIFIED_ABSENT" || tk.MatchCount != 1 {
			t.Errorf("t1 task %+v", tk)
		}
		if one.HasContact(bob) || two.HasContact(bobUpper) {
			t.Error("an exact match survived")
		}
		if !one.HasContact(bobUK) || !four.HasContact(other) {
			t.Error("a prefix lookalike was touched")
		}
		amb := taskOf(t, req, "t3")
		if amb.MatchCount != 2 || len(amb.Candidates) != 2 || !three.HasContact(dupA) || !three.HasContact(dupB) {
			t.Fatalf("ambiguous task %+v changed something", amb)
		}
		body := fmt.Sprintf(`{"contactIds":["%d"]}`, dupB)
		var after request
		if code, b := r.call(t, http.MethodPost, "/v1/requests/"+req.RequestID+"/tasks/t3:confirm", body, &after); code != 200 {
			t.Fatalf("confirm: %d %s", code, b)
		}
		final := r.await(t, req.RequestID)
		if final.State != "REQUEST_STATE_SUCCEEDED" {
			t.Fatalf("after confirm: %s", final.State)
		}
		if three.HasContact(dupB) || !three.HasContact(dupA) {
			t.Error("confirmation did not erase exactly the named contact")
		}
	})

	t.Run("underscore is not a wildcard", func(t *testing.T) {
		req := r.erase(t, "a_b@x.io", `{"tenantIds":["t1"]}`)
		if req.State != "REQUEST_STATE_SUCCEEDED" || one.HasContact(aB) || !one.HasContact(axb) {
			t.Fatalf("state %s, a_b present %v, axb present %v", req.State, one.HasContact(aB), one.HasContact(axb))
		}
	})

	t.Run("30 percent faults", func(t *testing.T) {
		var ids []int64
		for i := 1; i <= 4; i++ {
			in := fleet.Instance(i)
			ids = append(ids, in.AddContact(map[string]any{"email": "carol@example.net"}))
			in.SetFaults(mautictest.Faults{FaultRate: 0.2, RateLimitRate: 0.1, RetryAfter: 200 * time.Millisecond, Seed: int64(i)})
		}
		req := r.erase(t, "carol@example.net", `{"allTenants":true}`)
		if req.State != "REQUEST_STATE_SUCCEEDED" {
			t.Fatalf("state %s under faults: %+v", req.State, req)
		}
		for i := 1; i <= 4; i++ {
			in := fleet.Instance(i)
			in.SetFaults(mautictest.Faults{})
			if in.HasContact(ids[i-1]) || in.DeleteCount(ids[i-1]) != 1 {
				t.Errorf("instance %d: present %v, deleted %d times", i, in.HasContact(ids[i-1]), in.DeleteCount(ids[i-1]))
			}
		}
	})

	t.Run("no subject email in any answer", func(t *testing.T) {
		_, b := r.call(t, http.MethodGet, "/v1/requests", "", nil)
		if strings.Contains(strings.ToLower(string(b)), "example.org") {
			t.Error("request list carries a subject email")
		}
	})
}
