package engine

import (
	"context"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestRetryAfterConfirmRechecks: a retried task keeps its confirmed ids;
// when one of them no longer matches the subject, the task waits for a new
// confirmation instead of deleting it (or the one contact that still
// matches, which the human left out).
func TestRetryAfterConfirmRechecks(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	a := h.inst(1).AddContact(map[string]any{"email": "dup@example.org"})
	b := h.inst(1).AddContact(map[string]any{"email": "dup@example.org"})
	id := h.create(operator, erasure("dup@example.org", "t1")).GetRequestId()
	h.wait(id, func(r *dsarv1.Request) bool {
		return r.GetState() == dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION
	})
	// Confirm a while no engine runs, then let the confirmed task fail
	// permanently (API disabled) so that it can be retried.
	h.cancel()
	<-h.done
	h.cancel = nil
	if _, err := h.eng.Confirm(as(operator), id, "t1", []int64{a}); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	h.inst(1).SetFaults(mautictest.Faults{APIDisabled: true})
	h.start(fastOptions())
	if r := h.waitDone(id); r.GetState() != dsarv1.RequestState_REQUEST_STATE_FAILED {
		t.Fatalf("state %v: %v", r.GetState(), r.GetTasks())
	}
	h.inst(1).SetFaults(mautictest.Faults{})
	// Contact a's email changes meanwhile: only b matches now.
	conn := mautic.NewClient().Conn(mautic.Instance{TenantID: "x", BaseURL: mautictest.InstanceURL(h.srv.URL, 1),
		Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(1)}})
	if _, err := conn.EditContact(context.Background(), a, map[string]any{"email": "other@example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := h.eng.Retry(as(operator), id); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	r := h.wait(id, func(r *dsarv1.Request) bool {
		return r.GetState() == dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION || RequestTerminal(r.GetState())
	})
	task := taskOf(r, "t1")
	if task.GetState() != dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION {
		t.Errorf("task %v, want NEEDS_CONFIRMATION", task)
	}
	if c := task.GetCandidates(); len(c) != 1 || c[0].GetContactId() != b {
		t.Errorf("candidates %v, want only %d", c, b)
	}
	if !h.inst(1).HasContact(a) || h.inst(1).DeleteCount(a) != 0 {
		t.Error("the confirmed contact that no longer matches was deleted")
	}
	if !h.inst(1).HasContact(b) {
		t.Error("the contact the human left out was deleted")
	}
	// Confirming the one current match finishes the erasure.
	if _, err := h.eng.Confirm(as(operator), id, "t1", []int64{b}); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	if r := h.waitDone(id); r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || h.inst(1).HasContact(b) || !h.inst(1).HasContact(a) {
		t.Fatalf("after the second confirmation: %v %v", r.GetState(), r.GetTasks())
	}
}
