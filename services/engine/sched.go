package engine

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// taskRef names a task for the scheduler.
type taskRef struct {
	requestID, tenantID, customerID string
}

func (r taskRef) key() string { return r.requestID + "\x00" + r.tenantID }

// scheduler hands ready tasks to workers fairly: round-robin over customers,
// then round-robin over each customer's tenants, skipping tenants that
// already run their maximum number of tasks. So a customer with 500 tenants
// gets one turn per round like a customer with one, and no instance gets
// more than its limit. Delayed tasks (retries) wait in a heap until due.
type scheduler struct {
	mu    sync.Mutex
	wake  chan struct{} // closed and replaced on every change
	known map[string]bool
	// picked holds the tasks a worker runs now; again, those of them that
	// were added meanwhile (a Confirm or Retry racing the end of the
	// attempt that parked the task), to be queued again by done.
	picked   map[string]bool
	again    map[string]bool
	custRing []string
	custIdx  int
	cust     map[string]*custQueue
	running  map[string]int
	limits   map[string]int
	delayed  delayHeap
}

type custQueue struct {
	ring   []string
	idx    int
	queues map[string][]taskRef
}

func newScheduler() *scheduler {
	return &scheduler{
		wake:    make(chan struct{}),
		known:   make(map[string]bool),
		picked:  make(map[string]bool),
		again:   make(map[string]bool),
		cust:    make(map[string]*custQueue),
		running: make(map[string]int),
		limits:  make(map[string]int),
	}
}

func (s *scheduler) broadcast() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// add queues r to run after delay (at once if delay <= 0), unless it is
// already queued or waiting. Added while a worker runs it, r is queued
// again (at once) when that run is done: the run may have looked at the
// task before the change that made it runnable again.
func (s *scheduler) add(r taskRef, delay time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known[r.key()] {
		if s.picked[r.key()] {
			s.again[r.key()] = true
		}
		return
	}
	s.known[r.key()] = true
	if delay > 0 {
		heap.Push(&s.delayed, delayed{at: time.Now().Add(delay), ref: r})
	} else {
		s.push(r)
	}
	s.broadcast()
}

func (s *scheduler) push(r taskRef) {
	q := s.cust[r.customerID]
	if q == nil {
		q = &custQueue{queues: make(map[string][]taskRef)}
		s.cust[r.customerID] = q
		s.custRing = append(s.custRing, r.customerID)
	}
	if len(q.queues[r.tenantID]) == 0 {
		q.ring = append(q.ring, r.tenantID)
	}
	q.queues[r.tenantID] = append(q.queues[r.tenantID], r)
}

// setLimit sets how many tasks of tenantID may run at once (0: default).
func (s *scheduler) setLimit(tenantID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.limits, tenantID)
	} else {
		s.limits[tenantID] = n
	}
	s.broadcast()
}

func (s *scheduler) limit(tenantID string) int {
	if n, ok := s.limits[tenantID]; ok {
		return n
	}
	return DefaultTenantConcurrency
}

// next blocks until a task may run (and counts it as running) or ctx ends.
func (s *scheduler) next(ctx context.Context) (taskRef, error) {
	for {
		s.mu.Lock()
		now := time.Now()
		for s.delayed.Len() > 0 && !s.delayed[0].at.After(now) {
			s.push(heap.Pop(&s.delayed).(delayed).ref)
		}
		if r, ok := s.pick(); ok {
			s.running[r.tenantID]++
			s.picked[r.key()] = true
			s.mu.Unlock()
			return r, nil
		}
		wake := s.wake
		var t *time.Timer
		var timer <-chan time.Time
		if s.delayed.Len() > 0 {
			t = time.NewTimer(s.delayed[0].at.Sub(now))
			timer = t.C
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
		case <-wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if err := ctx.Err(); err != nil {
			return taskRef{}, err
		}
	}
}

func (s *scheduler) pick() (taskRef, bool) {
	for i := range s.custRing {
		ci := (s.custIdx + i) % len(s.custRing)
		q := s.cust[s.custRing[ci]]
		for j := range q.ring {
			ti := (q.idx + j) % len(q.ring)
			tenant := q.ring[ti]
			if s.running[tenant] >= s.limit(tenant) {
				continue
			}
			r := q.queues[tenant][0]
			q.queues[tenant] = q.queues[tenant][1:]
			q.idx = ti + 1
			if len(q.queues[tenant]) == 0 {
				delete(q.queues, tenant)
				q.ring = append(q.ring[:ti], q.ring[ti+1:]...)
				q.idx = ti
			}
			s.custIdx = ci + 1
			if len(q.ring) == 0 {
				delete(s.cust, s.custRing[ci])
				s.custRing = append(s.custRing[:ci], s.custRing[ci+1:]...)
				s.custIdx = ci
			}
			if len(s.custRing) > 0 {
				s.custIdx %= len(s.custRing)
			}
			if len(q.ring) > 0 {
				q.idx %= len(q.ring)
			}
			return r, true
		}
	}
	return taskRef{}, false
}

// done marks a task picked by next as no longer running.
func (s *scheduler) done(r taskRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running[r.tenantID]--
	if s.running[r.tenantID] <= 0 {
		delete(s.running, r.tenantID)
	}
	delete(s.picked, r.key())
	if s.again[r.key()] {
		// Added while it ran: it may have become runnable after the
		// attempt's last look, so it runs again (the attempt re-checks).
		delete(s.again, r.key())
		s.push(r)
	} else {
		delete(s.known, r.key())
	}
	s.broadcast()
}

type delayed struct {
	at  time.Time
	ref taskRef
}

type delayHeap []delayed

func (h delayHeap) Len() int           { return len(h) }
func (h delayHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h delayHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *delayHeap) Push(x any)        { *h = append(*h, x.(delayed)) }
func (h *delayHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
