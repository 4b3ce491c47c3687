package engine

import (
	"context"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// TestCancel: tasks that have not started a destructive step are
// cancelled; one whose journal shows its delete started runs to the end.
func TestCancel(t *testing.T) {
	h := idle(t)
	c1 := h.inst(1).AddContact(map[string]any{"email": "bob@example.org"})
	c2 := h.inst(2).AddContact(map[string]any{"email": "bob@example.org"})
	id := h.create(acme, erasure("bob@example.org", "a1", "a2")).GetRequestId()
	// Pretend a1's worker journaled its lookup and the start of its delete,
	// then the process stopped.
	err := h.store.Update(context.Background(), "test", func(tx *bolt.Tx) error {
		tr, err := getTask(tx, id, "a1")
		if err != nil {
			return err
		}
		tr.Journal = append(tr.Journal,
			&storagev1.JournalEntry{Step: stepLookup, ContactIds: []int64{c1}},
			&storagev1.JournalEntry{Step: stepAct, ContactIds: []int64{c1}})
		tr.Task.State = dsarv1.TaskState_TASK_STATE_RUNNING
		tr.Task.Attempts = 1
		req, err := getRequest(tx, id)
		if err != nil {
			return err
		}
		req.TaskStateCounts = map[int32]int32{int32(dsarv1.TaskState_TASK_STATE_RUNNING): 1, int32(dsarv1.TaskState_TASK_STATE_PENDING): 1}
		if err := putRequest(tx, req); err != nil {
			return err
		}
		return putTask(tx, tr)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		name string
		ctx  context.Context
		kind errs.Kind
	}{{"auditor", as(auditor), errs.KindPermissionDenied}, {"other customer", as(globex), errs.KindNotFound}} {
		if _, err := h.eng.Cancel(p.ctx, id); !isKind(err, p.kind) {
			t.Errorf("%s Cancel: %v", p.name, err)
		}
	}
	r, err := h.eng.Cancel(as(acme), id)
	if err != nil {
		t.Fatal(err)
	}
	if taskOf(r, "a2").GetState() != dsarv1.TaskState_TASK_STATE_CANCELLED || taskOf(r, "a1").GetState() != dsarv1.TaskState_TASK_STATE_RUNNING {
		t.Fatalf("after cancel: %v", r.GetTasks())
	}
	h.run()
	r = h.waitDone(id)
	if r.GetState() != dsarv1.RequestState_REQUEST_STATE_CANCELLED || taskOf(r, "a1").GetState() != dsarv1.TaskState_TASK_STATE_SUCCEEDED {
		t.Fatalf("final: %v %v", r.GetState(), r.GetTasks())
	}
	if h.inst(1).HasContact(c1) || h.inst(1).DeleteCount(c1) != 1 || !h.inst(2).HasContact(c2) {
		t.Error("cancel did not stop exactly the undestroyed task")
	}
	_, err = h.eng.Cancel(as(acme), id)
	if k, reason := reasonOf(err); k != errs.KindFailedPrecondition || reason != dsarv1.ErrorReason_ERROR_REASON_REQUEST_STATE_CONFLICT {
		t.Errorf("cancel of a terminal request: %v", err)
	}
	if _, err := h.eng.Cancel(as(acme), "rnope"); !isKind(err, errs.KindNotFound) {
		t.Errorf("cancel of a missing request: %v", err)
	}
}

// TestWatch streams every change until the request is terminal, and ends
// (leaving no subscription behind) when the caller goes away.
func TestWatch(t *testing.T) {
	h := idle(t)
	h.inst(1).AddContact(map[string]any{"email": "w@example.org"})
	id := h.create(operator, erasure("w@example.org", "a1", "a2")).GetRequestId()
	// A watcher that goes away.
	ctx, cancel := context.WithCancel(as(operator))
	got := make(chan error, 1)
	go func() { got <- h.eng.Watch(ctx, id, func(*dsarv1.Request) error { return nil }) }()
	for h.eng.hub.watchers(id) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("Watch after cancel: %v", err)
	}
	if _, err := h.eng.Get(as(globex), id); !isKind(err, errs.KindNotFound) {
		t.Errorf("other customer's Get: %v", err)
	}
	if err := h.eng.Watch(as(globex), id, func(*dsarv1.Request) error { return nil }); !isKind(err, errs.KindNotFound) {
		t.Errorf("other customer's Watch: %v", err)
	}
	var states []dsarv1.RequestState
	done := make(chan error, 1)
	go func() {
		done <- h.eng.Watch(as(operator), id, func(r *dsarv1.Request) error {
			states = append(states, r.GetState())
			return nil
		})
	}()
	for h.eng.hub.watchers(id) == 0 {
		time.Sleep(time.Millisecond)
	}
	h.run()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(states) < 3 || states[0] != dsarv1.RequestState_REQUEST_STATE_PENDING || states[len(states)-1] != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Errorf("watched states %v", states)
	}
	if n := h.eng.hub.watchers(id); n != 0 {
		t.Errorf("%d subscriptions left", n)
	}
}

// TestListAndIsolation: customers see only their own requests, auditors
// and operators all; newest first with page tokens; state filter.
func TestListAndIsolation(t *testing.T) {
	h := idle(t)
	var acmeIDs []string
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		acmeIDs = append(acmeIDs, h.create(acme, erasure(e, "a1")).GetRequestId())
	}
	gl := h.create(globex, erasure("a@example.org", "g1")).GetRequestId()
	both := h.create(operator, erasure("d@example.org", "a2", "g1")).GetRequestId()
	if _, err := h.eng.Cancel(as(acme), acmeIDs[1]); err != nil {
		t.Fatal(err)
	}
	list := func(p context.Context, in *dsarv1.ListRequestsRequest) []string {
		t.Helper()
		var ids []string
		for {
			rs, next, err := h.eng.List(p, in)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				ids = append(ids, r.GetRequestId())
			}
			if next == "" {
				return ids
			}
			in.PageToken = next
		}
	}
	eq := func(name string, got, want []string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %v, want %v", name, got, want)
				return
			}
		}
	}
	eq("acme", list(as(acme), &dsarv1.ListRequestsRequest{PageSize: 2}), []string{acmeIDs[2], acmeIDs[1], acmeIDs[0]})
	eq("globex", list(as(globex), &dsarv1.ListRequestsRequest{}), []string{gl})
	eq("auditor", list(as(auditor), &dsarv1.ListRequestsRequest{PageSize: 1}), []string{both, gl, acmeIDs[2], acmeIDs[1], acmeIDs[0]})
	eq("operator by customer", list(as(operator), &dsarv1.ListRequestsRequest{CustomerId: "globex"}), []string{both, gl})
	eq("cancelled", list(as(operator), &dsarv1.ListRequestsRequest{State: dsarv1.RequestState_REQUEST_STATE_CANCELLED}), []string{acmeIDs[1]})
	if _, _, err := h.eng.List(as(acme), &dsarv1.ListRequestsRequest{CustomerId: "globex"}); !isKind(err, errs.KindPermissionDenied) {
		t.Errorf("customer listing another: %v", err)
	}
	if _, _, err := h.eng.List(as(acme), &dsarv1.ListRequestsRequest{PageToken: "garbage"}); !isKind(err, errs.KindInvalidArgument) {
		t.Errorf("bad page token: %v", err)
	}
	for _, id := range []string{gl, both} {
		if _, err := h.eng.Get(as(acme), id); !isKind(err, errs.KindNotFound) {
			t.Errorf("acme Get(%s): %v", id, err)
		}
	}
	r, err := h.eng.Get(as(auditor), both)
	if err != nil || r.GetSubjectRef() == "" || len(r.GetSubjectRef()) != 16 {
		t.Errorf("auditor Get: %v %v", r, err)
	}
}
