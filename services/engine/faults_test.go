package engine

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestFaultRate30 erases one subject on 12 tenants whose Mautic fails 30 %
// of all calls: the request still ends SUCCEEDED, each contact deleted once.
func TestFaultRate30(t *testing.T) {
	const n = 12
	o := fastOptions()
	o.MaxAttempts = 60
	h := newHarness(t, n, specs(n, "acme"), o)
	ids := make([]int64, n+1)
	for i := 1; i <= n; i++ {
		h.inst(i).AddContact(map[string]any{"email": "other@example.org"})
		ids[i] = h.inst(i).AddContact(map[string]any{"email": "flaky@example.org"})
		h.inst(i).SetFaults(mautictest.Faults{FaultRate: 0.3, Seed: int64(i)})
	}
	tenantIDs := make([]string, n)
	for i := range tenantIDs {
		tenantIDs[i] = fmt.Sprintf("t%d", i+1)
	}
	r := h.waitDone(h.create(operator, erasure("flaky@example.org", tenantIDs...)).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("state %v: %v", r.GetState(), r.GetTasks())
	}
	retried := 0
	for i := 1; i <= n; i++ {
		if h.inst(i).HasContact(ids[i]) || h.inst(i).DeleteCount(ids[i]) != 1 {
			t.Errorf("instance %d: present=%v deletes=%d", i, h.inst(i).HasContact(ids[i]), h.inst(i).DeleteCount(ids[i]))
		}
		if taskOf(r, fmt.Sprintf("t%d", i)).GetAttempts() > 1 {
			retried++
		}
	}
	if retried == 0 {
		t.Error("no task needed a retry under a 30 % fault rate: faults not injected?")
	}
}

// TestRetryAfterHonoured: a 429 with Retry-After parks the task RETRYING
// with next_attempt_time exactly Retry-After after the failure (the test
// clock is frozen, so this is exact), and the next attempt does not come
// earlier.
func TestRetryAfterHonoured(t *testing.T) {
	frozen := time.Date(2025, 3, 3, 12, 0, 0, 0, time.UTC)
	o := fastOptions()
	o.Now = func() time.Time { return frozen }
	h := newHarness(t, 1, specs(1, "acme"), o)
	id := h.inst(1).AddContact(map[string]any{"email": "slow@example.org"})
	h.inst(1).SetFaults(mautictest.Faults{RateLimitRate: 1, RetryAfter: time.Second})
	start := time.Now()
	req := h.create(operator, erasure("slow@example.org", "t1"))
	r := h.wait(req.GetRequestId(), func(r *dsarv1.Request) bool {
		return taskOf(r, "t1").GetState() == dsarv1.TaskState_TASK_STATE_RETRYING
	})
	task := taskOf(r, "t1")
	if got := task.GetNextAttemptTime().AsTime().Sub(frozen); got != time.Second {
		t.Errorf("next_attempt_time is %v after the failure, want exactly 1s", got)
	}
	if task.GetError().GetCode() != 14 || task.GetAttempts() != 1 {
		t.Errorf("task while retrying: %v", task)
	}
	h.inst(1).SetFaults(mautictest.Faults{})
	r = h.waitDone(req.GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || h.inst(1).HasContact(id) {
		t.Fatalf("state %v", r.GetState())
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("finished %v after the 429: Retry-After of 1s not honoured", el)
	}
}

// TestPermanentFailures: auth failures and a disabled API fail the task at
// once with a clear reason; Retry re-runs only the failed task after the
// cause is fixed.
func TestPermanentFailuresAndRetry(t *testing.T) {
	ts := specs(3, "acme")
	h := newHarness(t, 3, ts, fastOptions())
	for i := 1; i <= 3; i++ {
		h.inst(i).AddContact(map[string]any{"email": "p@example.org"})
	}
	h.inst(2).SetFaults(mautictest.Faults{APIDisabled: true})
	// t3's credentials are wrong: point t3 at instance 3 with instance 1's password.
	if _, err := h.store.UpdateTenant(as(operator), "t3", func(_ *dsarv1.Tenant, c *storagev1.Credentials) error {
		c.GetBasic().Password = "wrong"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	id := h.create(operator, erasure("p@example.org", "t1", "t2", "t3")).GetRequestId()
	r := h.waitDone(id)
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED {
		t.Fatalf("state %v: %v", r.GetState(), r.GetTasks())
	}
	for tn, reason := range map[string]string{"t2": "MAUTIC_API_DISABLED", "t3": "MAUTIC_AUTH_FAILED"} {
		task := taskOf(r, tn)
		if task.GetState() != dsarv1.TaskState_TASK_STATE_FAILED || task.GetAttempts() != 1 {
			t.Errorf("%s: %v", tn, task)
		}
		if got := errorReason(task); got != reason {
			t.Errorf("%s: reason %q, want %q", tn, got, reason)
		}
		if strings.Contains(task.GetError().GetMessage(), "example.org") {
			t.Errorf("%s: error leaks the subject", tn)
		}
	}
	// Retrying a request that is not finished or has no failures is refused.
	ok := h.waitDone(h.create(operator, erasure("nobody@example.org", "t1")).GetRequestId())
	if _, err := h.eng.Retry(as(operator), ok.GetRequestId()); !isKind(err, errs.KindFailedPrecondition) {
		t.Errorf("Retry of a succeeded request: %v", err)
	}
	h.inst(2).SetFaults(mautictest.Faults{})
	if _, err := h.store.UpdateTenant(as(operator), "t3", func(_ *dsarv1.Tenant, c *storagev1.Credentials) error {
		c.GetBasic().Password = mautictest.BasicPassword(3)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.eng.Retry(as(auditor), id); !isKind(err, errs.KindPermissionDenied) {
		t.Errorf("auditor Retry: %v", err)
	}
	if _, err := h.eng.Retry(as(globex), id); !isKind(err, errs.KindNotFound) {
		t.Errorf("other customer's Retry: %v", err)
	}
	if _, err := h.eng.Retry(as(acme), id); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	r = h.waitDone(id)
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("after retry: %v %v", r.GetState(), r.GetTasks())
	}
	if h.inst(1).DeleteCount(1) != 1 {
		t.Errorf("t1 re-ran: %d deletes", h.inst(1).DeleteCount(1))
	}
	if h.audit.count(dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_RETRIED, id) != 1 {
		t.Error("no REQUEST_RETRIED event")
	}
}

func errorReason(t *dsarv1.Task) string {
	for _, d := range t.GetError().GetDetails() {
		info := &errdetails.ErrorInfo{}
		if d.UnmarshalTo(info) == nil {
			return info.GetReason()
		}
	}
	return ""
}

func isKind(err error, k errs.Kind) bool {
	got, _ := reasonOf(err)
	return got == k
}
