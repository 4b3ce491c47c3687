package engine

import (
	"sync"
	"time"
)

// breakers holds one circuit breaker per tenant. After threshold
// consecutive transient failures a tenant's circuit opens for cooldown:
// its tasks wait (RETRYING) instead of hammering an instance that is down.
// When the cooldown has passed the circuit is half-open: one attempt may
// go through; its success closes the circuit, its failure re-opens it.
type breakers struct {
	mu        sync.Mutex
	threshold int
	cooldown  time.Duration
	m         map[string]*breaker
}

type breaker struct {
	failures  int
	openUntil time.Time
	trial     bool // a half-open trial is in flight
}

func newBreakers(threshold int, cooldown time.Duration) *breakers {
	return &breakers{threshold: threshold, cooldown: cooldown, m: make(map[string]*breaker)}
}

// allow reports whether an attempt on tenantID may start at now; if not, it
// returns when to try again.
func (b *breakers) allow(tenantID string, now time.Time) (bool, time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.m[tenantID]
	if br == nil || br.failures < b.threshold {
		return true, time.Time{}
	}
	if now.Before(br.openUntil) {
		return false, br.openUntil
	}
	if br.trial {
		// Another task is probing; check back after a short while.
		return false, now.Add(b.cooldown / 10)
	}
	br.trial = true
	return true, time.Time{}
}

// success records an attempt that made progress: the circuit closes.
func (b *breakers) success(tenantID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.m, tenantID)
}

// failure records a transient failure at now; it reports whether the
// circuit is (now) open.
func (b *breakers) failure(tenantID string, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	br := b.m[tenantID]
	if br == nil {
		br = &breaker{}
		b.m[tenantID] = br
	}
	br.failures++
	br.trial = false
	if br.failures >= b.threshold {
		br.openUntil = now.Add(b.cooldown)
		return true
	}
	return false
}

// release ends a half-open trial that neither succeeded nor failed
// transiently (e.g. a permanent error or a shutdown).
func (b *breakers) release(tenantID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if br := b.m[tenantID]; br != nil {
		br.trial = false
	}
}
