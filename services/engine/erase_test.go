package engine

import (
	"context"
	"strings"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestEraseExactMatching proves that erasure matches the email exactly
// (case-insensitively), never by prefix or LIKE wildcard.
func TestEraseExactMatching(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	in := h.inst(1)
	bob := in.AddContact(map[string]any{"email": "bob@example.org", "firstname": "Bob"})
	bobUK := in.AddContact(map[string]any{"email": "bob@example.org.uk"})
	ab := in.AddContact(map[string]any{"email": "a_b@x.io"})
	axb := in.AddContact(map[string]any{"email": "axb@x.io"})
	bobby := in.AddContact(map[string]any{"email": "bobby@example.org"})

	tests := []struct {
		email   string
		deleted int64
		kept    []int64
	}{
		{"Bob@Example.org", bob, []int64{bobUK, ab, axb, bobby}},
		{"  a_b@x.io ", ab, []int64{bobUK, axb, bobby}},
	}
	for _, tt := range tests {
		r := h.create(operator, erasure(tt.email, "t1"))
		r = h.waitDone(r.GetRequestId())
		if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
			t.Fatalf("%s: state %v, tasks %v", tt.email, r.GetState(), r.GetTasks())
		}
		task := taskOf(r, "t1")
		if task.GetVerification() != dsarv1.Verification_VERIFICATION_VERIFIED_ABSENT || task.GetMatchCount() != 1 {
			t.Errorf("%s: task %v", tt.email, task)
		}
		if in.HasContact(tt.deleted) || in.DeleteCount(tt.deleted) != 1 {
			t.Errorf("%s: contact %d present=%v deletes=%d", tt.email, tt.deleted, in.HasContact(tt.deleted), in.DeleteCount(tt.deleted))
		}
		for _, id := range tt.kept {
			if !in.HasContact(id) || in.DeleteCount(id) != 0 {
				t.Errorf("%s: contact %d was touched", tt.email, id)
			}
		}
	}
	// Nobody there: NOT_FOUND, and the request still SUCCEEDED.
	r := h.waitDone(h.create(operator, erasure("nobody@example.org", "t1")).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || taskOf(r, "t1").GetState() != dsarv1.TaskState_TASK_STATE_NOT_FOUND {
		t.Errorf("nobody: %v", r)
	}
	if n := h.audit.count(dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_DELETED, ""); n < 2 {
		t.Errorf("CONTACT_DELETED events: %d", n)
	}
	for _, ev := range h.audit.all() {
		if s := ev.String(); strings.Contains(s, "example.org") || strings.Contains(s, "x.io") {
			t.Errorf("audit event carries subject data: %v", ev)
		}
	}
}

// TestAmbiguousConfirm: two exact matches stop the erasure until a human
// confirms which contact to erase; only that one is deleted.
func TestAmbiguousConfirm(t *testing.T) {
	ts := []tenantSpec{{id: "t1", customer: "acme", instance: 1}, {id: "t2", customer: "acme", instance: 2}}
	h := newHarness(t, 2, ts, fastOptions())
	a := h.inst(1).AddContact(map[string]any{"email": "dup@example.org"})
	b := h.inst(1).AddContact(map[string]any{"email": "DUP@example.org"})
	c := h.inst(2).AddContact(map[string]any{"email": "dup@example.org"})
	r := h.create(acme, erasure("dup@example.org", "t1", "t2"))
	id := r.GetRequestId()
	r = h.wait(id, func(r *dsarv1.Request) bool {
		return r.GetState() == dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION
	})
	t1 := taskOf(r, "t1")
	if t1.GetState() != dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION || t1.GetMatchCount() != 2 || len(t1.GetCandidates()) != 2 {
		t.Fatalf("t1 = %v", t1)
	}
	if taskOf(r, "t2").GetState() != dsarv1.TaskState_TASK_STATE_SUCCEEDED || h.inst(2).HasContact(c) {
		t.Errorf("t2 should be done: %v", taskOf(r, "t2"))
	}
	if !h.inst(1).HasContact(a) || !h.inst(1).HasContact(b) {
		t.Fatal("an ambiguous task changed something")
	}
	bad := []struct {
		name string
		p    authn.Principal
		tn   string
		ids  []int64
		kind errs.Kind
	}{
		{"other customer", globex, "t1", []int64{a}, errs.KindNotFound},
		{"auditor", auditor, "t1", []int64{a}, errs.KindPermissionDenied},
		{"no ids", acme, "t1", nil, errs.KindInvalidArgument},
		{"not a candidate", acme, "t1", []int64{a, 999}, errs.KindInvalidArgument},
		{"twice", acme, "t1", []int64{a, a}, errs.KindInvalidArgument},
		{"task not waiting", acme, "t2", []int64{c}, errs.KindFailedPrecondition},
		{"unknown tenant", acme, "t9", []int64{a}, errs.KindNotFound},
	}
	for _, tt := range bad {
		_, err := h.eng.Confirm(as(tt.p), id, tt.tn, tt.ids)
		if k, _ := reasonOf(err); k != tt.kind {
			t.Errorf("%s: err = %v, want kind %d", tt.name, err, tt.kind)
		}
	}
	if _, err := h.eng.Confirm(as(acme), id, "t1", []int64{b}); err != nil {
		t.Fatalf("Confirm: %v", err)
	}
	r = h.waitDone(id)
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("state %v: %v", r.GetState(), r.GetTasks())
	}
	if !h.inst(1).HasContact(a) || h.inst(1).HasContact(b) || h.inst(1).DeleteCount(b) != 1 {
		t.Errorf("confirm deleted the wrong contacts: a=%v b=%v", h.inst(1).HasContact(a), h.inst(1).HasContact(b))
	}
	if got := taskOf(r, "t1").GetContactIds(); len(got) != 1 || got[0] != b {
		t.Errorf("contact ids %v", got)
	}
	if h.audit.count(dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TASK_CONFIRMED, id) != 1 {
		t.Error("no TASK_CONFIRMED event")
	}
}

// TestConfirmRechecksMatches: a candidate that no longer matches is refused.
func TestConfirmRechecksMatches(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	a := h.inst(1).AddContact(map[string]any{"email": "dup@example.org"})
	h.inst(1).AddContact(map[string]any{"email": "dup@example.org"})
	id := h.create(operator, erasure("dup@example.org", "t1")).GetRequestId()
	h.wait(id, func(r *dsarv1.Request) bool {
		return r.GetState() == dsarv1.RequestState_REQUEST_STATE_AWAITING_CONFIRMATION
	})
	// Someone changes contact a's email in Mautic meanwhile.
	cl := mautic.NewClient()
	conn := cl.Conn(mautic.Instance{TenantID: "x", BaseURL: mautictest.InstanceURL(h.srv.URL, 1),
		Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(1)}})
	if _, err := conn.EditContact(context.Background(), a, map[string]any{"email": "other@example.org"}); err != nil {
		t.Fatal(err)
	}
	_, err := h.eng.Confirm(as(operator), id, "t1", []int64{a})
	if k, reason := reasonOf(err); k != errs.KindFailedPrecondition || reason != dsarv1.ErrorReason_ERROR_REASON_REQUEST_STATE_CONFLICT {
		t.Fatalf("Confirm of a stale candidate: %v", err)
	}
	if !h.inst(1).HasContact(a) {
		t.Fatal("stale candidate deleted")
	}
	if _, err := h.eng.Cancel(as(operator), id); err != nil {
		t.Fatal(err)
	}
}
