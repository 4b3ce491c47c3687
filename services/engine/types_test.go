package engine

import (
	"context"
	"sync"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestPseudonymize(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	id := h.inst(1).AddContact(map[string]any{"email": "ps@example.org", "firstname": "Pat", "city": "Berlin", "points": 5})
	in := erasure("PS@example.org", "t1")
	in.ErasureMode = dsarv1.ErasureMode_ERASURE_MODE_PSEUDONYMIZE
	r := h.waitDone(h.create(operator, in).GetRequestId())
	task := taskOf(r, "t1")
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || task.GetVerification() != dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED {
		t.Fatalf("%v %v", r.GetState(), task)
	}
	want := PseudonymEmail(h.store.Sealer().Ref, "t1", "ps@example.org")
	if got := h.inst(1).ContactEmail(id); got != want || h.inst(1).DeleteCount(id) != 0 {
		t.Errorf("email %q, want %q", got, want)
	}
	if h.inst(1).DNC(id, "email") != 3 {
		t.Error("no DNC on email")
	}
	if h.audit.count(dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_PSEUDONYMIZED, r.GetRequestId()) != 1 {
		t.Error("no CONTACT_PSEUDONYMIZED event")
	}
	patch, _ := pseudonymPatch(map[string]any{"firstname": "Pat", "city": "Berlin", "points": "5", "email": "x@y.z", "timezone": "UTC"}, want)
	if patch["firstname"] != "" || patch["city"] != "" || patch["email"] != want || patch["overwriteWithBlank"] != true {
		t.Errorf("patch %v", patch)
	}
	if _, ok := patch["points"]; ok {
		t.Errorf("patch touches points: %v", patch)
	}
	if _, ok := patch["timezone"]; ok {
		t.Errorf("patch touches timezone: %v", patch)
	}
}

func TestRestriction(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	a := h.inst(1).AddContact(map[string]any{"email": "rs@example.org"})
	b := h.inst(1).AddContact(map[string]any{"email": "rs@example.org"})
	other := h.inst(1).AddContact(map[string]any{"email": "rs@example.org.uk"})
	in := erasure("rs@example.org", "t1")
	in.Type = dsarv1.RequestType_REQUEST_TYPE_RESTRICTION
	r := h.waitDone(h.create(acme, in).GetRequestId())
	task := taskOf(r, "t1")
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || task.GetMatchCount() != 2 || task.GetVerification() != dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED {
		t.Fatalf("%v %v", r.GetState(), task)
	}
	for _, id := range []int64{a, b} {
		if h.inst(1).DNC(id, "email") != 3 || h.inst(1).DNC(id, "sms") != 3 {
			t.Errorf("contact %d not restricted", id)
		}
	}
	if h.inst(1).DNC(other, "email") != 0 {
		t.Error("a non-matching contact was restricted")
	}
}

func TestRectification(t *testing.T) {
	h := newHarness(t, 1, specs(1, "acme"), fastOptions())
	id := h.inst(1).AddContact(map[string]any{"email": "rect@example.org", "firstname": "Jon"})
	taken := h.inst(1).AddContact(map[string]any{"email": "taken@example.org"})
	rect := func(email string, fields map[string]string) *dsarv1.CreateRequestRequest {
		in := erasure(email, "t1")
		in.Type = dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
		in.Rectification = &dsarv1.Rectification{Fields: fields}
		return in
	}
	r := h.waitDone(h.create(operator, rect("rect@example.org", map[string]string{"firstname": "John", "city": "Paris"})).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || taskOf(r, "t1").GetVerification() != dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED {
		t.Fatalf("%v %v", r.GetState(), r.GetTasks())
	}
	if v, _ := h.inst(1).ContactField(id, "firstname"); v != "John" {
		t.Errorf("firstname %q", v)
	}
	if got := r.GetRectificationFields(); len(got) != 2 || got[0] != "city" || got[1] != "firstname" {
		t.Errorf("rectification_fields %v", got)
	}
	// Giving it an email another contact has would make Mautic merge them.
	r = h.waitDone(h.create(operator, rect("rect@example.org", map[string]string{"email": "Taken@example.org"})).GetRequestId())
	task := taskOf(r, "t1")
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_FAILED || task.GetState() != dsarv1.TaskState_TASK_STATE_FAILED {
		t.Fatalf("email collision: %v %v", r.GetState(), task)
	}
	if h.inst(1).ContactEmail(id) != "rect@example.org" || !h.inst(1).HasContact(taken) {
		t.Error("a colliding rectification changed something")
	}
}

// fakeAccess stands in for services/access.
type fakeAccess struct {
	mu       sync.Mutex
	collects map[string]int
	built    map[string]bool
}

func (f *fakeAccess) Collect(_ context.Context, requestID string, tn *dsarv1.Tenant, _ *mautic.Conn, cs []mautic.Contact) (*dsarv1.AccessStats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.collects[requestID+"/"+tn.GetTenantId()]++
	return &dsarv1.AccessStats{Contacts: int32(len(cs)), Events: 3}, nil
}

func (f *fakeAccess) Build(_ context.Context, req *dsarv1.Request) (*dsarv1.PackageInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range req.GetTasks() {
		if !TaskTerminal(t.GetState()) {
			panic("Build before every task is terminal")
		}
	}
	f.built[req.GetRequestId()] = true
	return &dsarv1.PackageInfo{Available: true, SizeBytes: 42}, nil
}

func (f *fakeAccess) Info(_ context.Context, requestID string) (*dsarv1.PackageInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.built[requestID] {
		return &dsarv1.PackageInfo{Reason: "not ready"}, nil
	}
	return &dsarv1.PackageInfo{Available: true, SizeBytes: 42}, nil
}

func TestAccess(t *testing.T) {
	fa := &fakeAccess{collects: map[string]int{}, built: map[string]bool{}}
	o := fastOptions()
	o.Access = fa
	h := newHarness(t, 2, specs(2, "acme"), o)
	h.inst(1).AddContact(map[string]any{"email": "acc@example.org"})
	in := erasure("acc@example.org", "t1", "t2")
	in.Type = dsarv1.RequestType_REQUEST_TYPE_ACCESS
	// The package is built after the request turns terminal: wait for both.
	r := h.wait(h.create(acme, in).GetRequestId(), func(r *dsarv1.Request) bool {
		return RequestTerminal(r.GetState()) && r.GetPackage().GetAvailable()
	})
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED || !r.GetPackage().GetAvailable() {
		t.Fatalf("%v package %v", r.GetState(), r.GetPackage())
	}
	if a := taskOf(r, "t1").GetAccess(); a.GetContacts() != 1 || a.GetEvents() != 3 {
		t.Errorf("access stats %v", a)
	}
	if taskOf(r, "t2").GetState() != dsarv1.TaskState_TASK_STATE_NOT_FOUND {
		t.Errorf("t2 %v", taskOf(r, "t2"))
	}
	// Without a collector access tasks fail clearly.
	h2 := newHarness(t, 1, specs(1, "acme"), fastOptions())
	h2.inst(1).AddContact(map[string]any{"email": "acc@example.org"})
	in = erasure("acc@example.org", "t1")
	in.Type = dsarv1.RequestType_REQUEST_TYPE_ACCESS
	r = h2.waitDone(h2.create(acme, in).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_FAILED || errorReason(taskOf(r, "t1")) != "PACKAGE_NOT_AVAILABLE" {
		t.Errorf("without collector: %v %v", r.GetState(), r.GetTasks())
	}
}

func TestDryRun(t *testing.T) {
	h := newHarness(t, 2, specs(2, "acme"), fastOptions())
	a := h.inst(1).AddContact(map[string]any{"email": "dry@example.org"})
	b := h.inst(1).AddContact(map[string]any{"email": "dry@example.org"})
	c := h.inst(2).AddContact(map[string]any{"email": "dry@example.org"})
	in := erasure("dry@example.org", "t1", "t2")
	in.DryRun = true
	r := h.waitDone(h.create(operator, in).GetRequestId())
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("%v %v", r.GetState(), r.GetTasks())
	}
	t1, t2 := taskOf(r, "t1"), taskOf(r, "t2")
	if t1.GetMatchCount() != 2 || len(t1.GetCandidates()) != 2 || len(t1.GetActions()) != 2 || t1.GetActions()[0].GetAction() != "none" {
		t.Errorf("t1 %v", t1)
	}
	if t2.GetMatchCount() != 1 || len(t2.GetActions()) != 1 || t2.GetActions()[0].GetAction() != "delete" || t2.GetVerification() != dsarv1.Verification_VERIFICATION_UNSPECIFIED {
		t.Errorf("t2 %v", t2)
	}
	for i, id := range map[int]int64{1: a, 2: c} {
		if !h.inst(i).HasContact(id) {
			t.Errorf("dry run deleted contact %d on instance %d", id, i)
		}
	}
	if !h.inst(1).HasContact(b) {
		t.Error("dry run deleted b")
	}
}
