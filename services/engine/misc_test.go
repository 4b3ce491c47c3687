package engine

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// TestCircuitBreaker: an instance that keeps failing opens its circuit; the
// task waits RETRYING (CIRCUIT_OPEN) instead of failing, and finishes once
// the instance is back.
func TestCircuitBreaker(t *testing.T) {
	o := fastOptions()
	o.BreakerThreshold, o.BreakerCooldown, o.MaxAttempts = 3, 300*time.Millisecond, 50
	h := newHarness(t, 1, specs(1, "acme"), o)
	id := h.inst(1).AddContact(map[string]any{"email": "down@example.org"})
	h.inst(1).SetFaults(mautictest.Faults{FaultRate: 1})
	req := h.create(operator, erasure("down@example.org", "t1"))
	r := h.wait(req.GetRequestId(), func(r *dsarv1.Request) bool {
		return errorReason(taskOf(r, "t1")) == "CIRCUIT_OPEN"
	})
	task := taskOf(r, "t1")
	if task.GetState() != dsarv1.TaskState_TASK_STATE_RETRYING || task.GetAttempts() > 4 {
		t.Fatalf("while open: %v", task)
	}
	h.inst(1).SetFaults(mautictest.Faults{})
	r = h.waitDone(req.GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || h.inst(1).HasContact(id) {
		t.Fatalf("after recovery: %v", r.GetState())
	}
}

func TestBreakers(t *testing.T) {
	b := newBreakers(2, time.Minute)
	now := time.Unix(1000, 0)
	if ok, _ := b.allow("x", now); !ok {
		t.Fatal("closed circuit refused")
	}
	b.failure("x", now)
	if ok, _ := b.allow("x", now); !ok {
		t.Fatal("opened below the threshold")
	}
	if !b.failure("x", now) {
		t.Fatal("did not open at the threshold")
	}
	if ok, until := b.allow("x", now.Add(time.Second)); ok || !until.Equal(now.Add(time.Minute)) {
		t.Fatalf("open circuit: ok=%v until=%v", ok, until)
	}
	later := now.Add(2 * time.Minute)
	if ok, _ := b.allow("x", later); !ok {
		t.Fatal("half-open circuit refused its trial")
	}
	if ok, _ := b.allow("x", later); ok {
		t.Fatal("half-open circuit allowed a second trial")
	}
	b.success("x")
	if ok, _ := b.allow("x", later); !ok {
		t.Fatal("closed after success but refused")
	}
	if ok, _ := b.allow("y", now); !ok {
		t.Fatal("one tenant's circuit affects another")
	}
}

// TestSubjectAtRest: the subject email never appears in plain text in the
// data file, and its sealed copy is purged once a request succeeds (kept
// with a purge time while failed tasks may be retried).
func TestSubjectAtRest(t *testing.T) {
	h := newHarness(t, 2, specs(2, "acme"), fastOptions())
	h.inst(1).AddContact(map[string]any{"email": "secret.subject@example.org"})
	h.inst(2).SetFaults(mautictest.Faults{APIDisabled: true})
	ok := h.waitDone(h.create(operator, erasure("secret.subject@example.org", "t1")).GetRequestId())
	failed := h.waitDone(h.create(operator, erasure("secret.subject@example.org", "t2")).GetRequestId())
	err := h.store.View(context.Background(), "test", func(tx *bolt.Tx) error {
		a, err := getRequest(tx, ok.GetRequestId())
		if err != nil {
			return err
		}
		if len(a.GetSealedSubject()) != 0 || !a.GetFinalized() {
			t.Errorf("succeeded request keeps its subject: finalized=%v", a.GetFinalized())
		}
		b, err := getRequest(tx, failed.GetRequestId())
		if err != nil {
			return err
		}
		if len(b.GetSealedSubject()) == 0 || b.GetSubjectPurgeTime() == nil {
			t.Errorf("failed request: sealed=%d purge=%v", len(b.GetSealedSubject()), b.GetSubjectPurgeTime())
		}
		if tx.Bucket(tenants.BucketActiveSubjects).Stats().KeyN != 0 {
			t.Error("finished requests left duplicate-guard entries")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.stop()
	raw, err := os.ReadFile(filepath.Join(h.dir, tenants.DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("secret.subject")) {
		t.Fatal("the subject email is stored in plain text")
	}
}

// TestTaskSpans: "engine.task" spans are children of the span of the call
// that created the request, so both share one trace.
func TestTaskSpans(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	o := fastOptions()
	o.TracerProvider = tp
	h := newHarness(t, 1, specs(1, "acme"), o)
	h.inst(1).AddContact(map[string]any{"email": "span@example.org"})
	ctx, parent := tp.Tracer("test").Start(as(operator), "POST /v1/requests")
	r, err := h.eng.Create(ctx, erasure("span@example.org", "t1"))
	parent.End()
	if err != nil {
		t.Fatal(err)
	}
	h.waitDone(r.GetRequestId())
	found := 0
	for _, s := range rec.Ended() {
		if s.Name() != "engine.task" {
			continue
		}
		found++
		if s.Parent().TraceID() != parent.SpanContext().TraceID() || s.Parent().SpanID() != parent.SpanContext().SpanID() {
			t.Errorf("engine.task parent %v, want %v", s.Parent(), parent.SpanContext())
		}
		for _, a := range s.Attributes() {
			if bytes.Contains([]byte(a.Value.String()), []byte("span@")) {
				t.Errorf("span attribute %s carries the subject", a.Key)
			}
		}
	}
	if found == 0 {
		t.Fatal("no engine.task span")
	}
}
