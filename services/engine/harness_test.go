package engine

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// memAuditor records events in memory (the real audit log lives in
// services/audit; the engine only needs the interface).
type memAuditor struct {
	mu     sync.Mutex
	events []*dsarv1.AuditEvent
}

func (a *memAuditor) Append(ctx context.Context, ev *dsarv1.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, proto.Clone(ev).(*dsarv1.AuditEvent))
	return nil
}

// AppendTx records ev; a rolled-back transaction may leave extra events,
// which the tests tolerate (they count "at least").
func (a *memAuditor) AppendTx(ctx context.Context, _ *bolt.Tx, ev *dsarv1.AuditEvent) error {
	return a.Append(ctx, ev)
}

func (a *memAuditor) count(typ dsarv1.AuditEventType, requestID string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, ev := range a.events {
		if ev.GetType() == typ && (requestID == "" || ev.GetRequestId() == requestID) {
			n++
		}
	}
	return n
}

func (a *memAuditor) all() []*dsarv1.AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*dsarv1.AuditEvent(nil), a.events...)
}

// Principals used by the tests.
var (
	operator = authn.Principal{KeyID: "op", Role: dsarv1.Role_ROLE_OPERATOR}
	acme     = authn.Principal{KeyID: "k-acme", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"}
	globex   = authn.Principal{KeyID: "k-globex", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "globex"}
	auditor  = authn.Principal{KeyID: "k-aud", Role: dsarv1.Role_ROLE_AUDITOR}
)

func as(p authn.Principal) context.Context {
	return authn.WithPrincipal(context.Background(), p)
}

// harness is an engine over a real store and an emulated Mautic fleet.
type harness struct {
	t      testing.TB
	store  *tenants.Store
	fleet  *mautictest.Fleet
	srv    *httptest.Server
	eng    *Engine
	audit  *memAuditor
	cancel context.CancelFunc
	done   chan struct{}
	dir    string
	key    []byte
	// hook, when set, sees every HTTP request to the fleet first and may
	// answer it itself (returning true).
	hook atomic.Pointer[func(http.ResponseWriter, *http.Request) bool]
}

// tenantSpec places fleet instance i (1-based) under a tenant id and
// customer.
type tenantSpec struct {
	id, customer string
	instance     int
	maxConc      int32
}

// fastOptions keep retries quick in tests.
func fastOptions() Options {
	return Options{
		AllowHTTPMautic: true, BaseBackoff: 2 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		BreakerCooldown: 20 * time.Millisecond, MaxAttempts: 30,
	}
}

// specs returns n tenants t1..tn of customer acme on instances 1..n.
func specs(n int, customer string) []tenantSpec {
	out := make([]tenantSpec, n)
	for i := range out {
		out[i] = tenantSpec{id: fmt.Sprintf("t%d", i+1), customer: customer, instance: i + 1}
	}
	return out
}

func newHarness(t testing.TB, instances int, ts []tenantSpec, o Options) *harness {
	t.Helper()
	key := make([]byte, tenants.MasterKeySize)
	_, _ = rand.Read(key)
	h := &harness{t: t, fleet: mautictest.NewFleet(instances), audit: &memAuditor{}, dir: t.TempDir(), key: key}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := h.hook.Load(); f != nil && (*f)(w, r) {
			return
		}
		h.fleet.ServeHTTP(w, r)
	}))
	t.Cleanup(h.srv.Close)
	h.openStore()
	for _, s := range ts {
		h.addTenant(s)
	}
	h.start(o)
	return h
}

func (h *harness) openStore() {
	sealer, err := tenants.NewSealer(h.key)
	if err != nil {
		h.t.Fatal(err)
	}
	st, err := tenants.Open(context.Background(), h.dir, sealer)
	if err != nil {
		h.t.Fatal(err)
	}
	h.store = st
}

func (h *harness) addTenant(s tenantSpec) {
	h.t.Helper()
	_, err := h.store.CreateTenant(context.Background(), &dsarv1.Tenant{
		TenantId: s.id, CustomerId: s.customer, BaseUrl: mautictest.InstanceURL(h.srv.URL, s.instance),
		BasicAuth:      &dsarv1.BasicAuth{Username: "api", Password: mautictest.BasicPassword(s.instance)},
		MaxConcurrency: s.maxConc,
	})
	if err != nil {
		h.t.Fatalf("create tenant %s: %v", s.id, err)
	}
}

// start builds the engine; it runs (Run) unless o.Concurrency < 0.
func (h *harness) start(o Options) {
	h.t.Helper()
	run := o.Concurrency >= 0
	if o.Concurrency < 0 {
		o.Concurrency = 0
	}
	e, err := New(h.store, mautic.NewClient(), h.audit, o)
	if err != nil {
		h.t.Fatal(err)
	}
	h.eng = e
	if run {
		h.run()
	}
	h.t.Cleanup(h.stop)
}

// run starts e.Run in the background.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan struct{})
	go func() {
		defer close(h.done)
		if err := h.eng.Run(ctx); err != nil {
			h.t.Errorf("Run: %v", err)
		}
	}()
}

// stop ends Run and closes the store.
func (h *harness) stop() {
	if h.cancel != nil {
		h.cancel()
		<-h.done
		h.cancel = nil
	}
	if h.store != nil {
		_ = h.store.Close()
		h.store = nil
	}
}

func (h *harness) inst(i int) *mautictest.Instance { return h.fleet.Instance(i) }

// create creates a request as p and fails the test on error.
func (h *harness) create(p authn.Principal, in *dsarv1.CreateRequestRequest) *dsarv1.Request {
	h.t.Helper()
	r, err := h.eng.Create(as(p), in)
	if err != nil {
		h.t.Fatalf("Create: %v", err)
	}
	return r
}

// wait watches the request until cond holds (or fails after a minute).
func (h *harness) wait(id string, cond func(*dsarv1.Request) bool) *dsarv1.Request {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(as(operator), time.Minute)
	defer cancel()
	var last *dsarv1.Request
	errDone := fmt.Errorf("done")
	err := h.eng.Watch(ctx, id, func(r *dsarv1.Request) error {
		last = r
		if cond(r) {
			return errDone
		}
		return nil
	})
	if err != errDone {
		if last != nil && cond(last) {
			return last
		}
		h.t.Fatalf("waiting for request %s: %v; last state %v: %v", id, err, last.GetState(), last)
	}
	return last
}

// waitDone waits until the request is terminal and finalised.
func (h *harness) waitDone(id string) *dsarv1.Request {
	h.t.Helper()
	h.wait(id, func(r *dsarv1.Request) bool { return RequestTerminal(r.GetState()) })
	r, err := h.eng.Get(as(operator), id)
	if err != nil {
		h.t.Fatal(err)
	}
	return r
}

func erasure(email string, tenantIDs ...string) *dsarv1.CreateRequestRequest {
	return &dsarv1.CreateRequestRequest{
		Type: dsarv1.RequestType_REQUEST_TYPE_ERASURE, Subject: &dsarv1.Subject{Email: email},
		Target: &dsarv1.Target{TenantIds: tenantIDs},
	}
}

// reasonOf is the error's reason and kind, for table checks.
func reasonOf(err error) (errs.Kind, dsarv1.ErrorReason) {
	e, ok := errs.As(err)
	if !ok {
		return 0, 0
	}
	return e.Kind, e.Reason
}

func taskOf(r *dsarv1.Request, tenantID string) *dsarv1.Task {
	for _, t := range r.GetTasks() {
		if t.GetTenantId() == tenantID {
			return t
		}
	}
	return nil
}
