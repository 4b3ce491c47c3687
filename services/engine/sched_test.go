package engine

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestSchedulerFairness: a customer with 500 tenants queued first cannot
// starve a customer with one: turns alternate between customers.
func TestSchedulerFairness(t *testing.T) {
	s := newScheduler()
	for i := range 500 {
		s.add(taskRef{requestID: "rbig", tenantID: fmt.Sprintf("big-%03d", i), customerID: "big"}, 0)
	}
	s.add(taskRef{requestID: "rsmall", tenantID: "small-1", customerID: "small"}, 0)
	s.add(taskRef{requestID: "rsmall2", tenantID: "small-1", customerID: "small"}, 0)
	ctx := context.Background()
	var order []string
	for range 6 {
		r, err := s.next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		order = append(order, r.customerID)
		s.done(r)
	}
	want := []string{"big", "small", "big", "small", "big", "big"}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order %v, want %v", order, want)
		}
	}
}

// TestSchedulerTenantLimit: no more than a tenant's limit run at once, and
// round-robin goes over a customer's tenants.
func TestSchedulerTenantLimit(t *testing.T) {
	s := newScheduler()
	s.setLimit("t1", 2)
	for i := range 5 {
		s.add(taskRef{requestID: fmt.Sprintf("r%d", i), tenantID: "t1", customerID: "c"}, 0)
	}
	ctx := context.Background()
	a, _ := s.next(ctx)
	b, _ := s.next(ctx)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if r, err := s.next(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("third task of a tenant limited to 2 started: %v", r)
	}
	s.done(a)
	if _, err := s.next(ctx); err != nil {
		t.Fatal(err)
	}
	s.done(b)
	// Duplicates are ignored while a task is queued or running.
	s.add(taskRef{requestID: "r4", tenantID: "t1", customerID: "c"}, 0)
	n := 0
	for len(s.cust) > 0 {
		r, _ := s.next(ctx)
		s.done(r)
		n++
	}
	if n != 2 {
		t.Errorf("%d tasks left, want 2 (r3, r4 once)", n)
	}
}

// TestSchedulerDelay: delayed tasks are not handed out before they are due.
func TestSchedulerDelay(t *testing.T) {
	s := newScheduler()
	s.add(taskRef{requestID: "late", tenantID: "t", customerID: "c"}, time.Hour)
	s.add(taskRef{requestID: "soon", tenantID: "u", customerID: "c"}, 5*time.Millisecond)
	r, err := s.next(context.Background())
	if err != nil || r.requestID != "soon" {
		t.Fatalf("got %v %v", r, err)
	}
}

// TestFairnessEndToEnd: with two workers, a one-tenant customer's request
// finishes long before a 60-tenant customer's earlier request.
func TestFairnessEndToEnd(t *testing.T) {
	const big = 60
	ts := specs(big, "big")
	ts = append(ts, tenantSpec{id: "small", customer: "small", instance: big + 1})
	o := fastOptions()
	o.Concurrency = 2
	h := newHarness(t, big+1, ts, o)
	ids := make([]string, big)
	for i := 1; i <= big+1; i++ {
		h.inst(i).AddContact(map[string]any{"email": "fair@example.org"})
		h.inst(i).SetFaults(mautictest.Faults{Latency: 3 * time.Millisecond})
		if i <= big {
			ids[i-1] = fmt.Sprintf("t%d", i)
		}
	}
	bigReq := h.create(operator, erasure("fair@example.org", ids...)).GetRequestId()
	small := h.create(operator, erasure("fair@example.org", "small")).GetRequestId()
	if r := h.waitDone(small); r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
		t.Fatalf("small: %v", r.GetState())
	}
	r, err := h.eng.Get(as(operator), bigReq)
	if err != nil {
		t.Fatal(err)
	}
	finished := 0
	for _, task := range r.GetTasks() {
		if TaskTerminal(task.GetState()) {
			finished++
		}
	}
	if finished > 10 {
		t.Errorf("the small customer waited for %d of the big customer's tasks", finished)
	}
	h.waitDone(bigReq)
}

// TestSchedulerAddWhileRunning: a task added while a worker still runs it
// (Confirm or Retry right after the attempt that parked it committed, but
// before the worker called done) runs again; an add while it is only
// queued does not duplicate it.
func TestSchedulerAddWhileRunning(t *testing.T) {
	for _, tt := range []struct {
		name    string
		addMid  bool
		wantRun bool
	}{
		{"added while running", true, true},
		{"not added", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newScheduler()
			r := taskRef{requestID: "r1", tenantID: "t1", customerID: "c"}
			s.add(r, 0)
			s.add(r, 0) // queued already: no duplicate
			ctx := context.Background()
			got, err := s.next(ctx)
			if err != nil || got != r {
				t.Fatalf("next = %v, %v", got, err)
			}
			if tt.addMid {
				s.add(r, 0)
			}
			s.done(got)
			short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			again, err := s.next(short)
			if ran := err == nil; ran != tt.wantRun {
				t.Fatalf("ran again = %v (%v, %v), want %v", ran, again, err, tt.wantRun)
			}
			if err == nil {
				s.done(again)
				short2, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
				defer cancel2()
				if extra, err := s.next(short2); err == nil {
					t.Fatalf("ran a third time: %v", extra)
				}
				if len(s.known) != 0 || len(s.picked) != 0 || len(s.again) != 0 {
					t.Fatalf("leftover state: known %v picked %v again %v", s.known, s.picked, s.again)
				}
			}
		})
	}
}
