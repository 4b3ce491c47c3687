package mautic

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"
)

// maxReadRetryWait is the longest Retry-After a read retry waits for; a
// longer one is returned to the caller, whose scheduler waits instead of
// holding a worker.
const maxReadRetryWait = 10 * time.Second

// WithReadRetries returns a copy of cn that repeats a GET up to n more times
// when it fails transiently (5xx, 429, timeout, connection error), waiting
// Retry-After when Mautic sends one (up to 10 s) and otherwise an
// exponential backoff with jitter from 100 ms. GETs change nothing, so
// repeating them is safe. Use it for long read-only walks (an access export
// makes dozens of calls per contact, and one failed page should not restart
// the whole walk); destructive steps keep the caller's own retry logic.
func (cn *Conn) WithReadRetries(n int) *Conn {
	cp := *cn
	cp.readRetries = max(n, 0)
	return &cp
}

// retryRead reports whether a failed GET should be repeated and waits the
// delay before the next try; it returns false when ctx ends first.
func (cn *Conn) retryRead(ctx context.Context, cl call, err error, try int) bool {
	if cl.method != http.MethodGet || try >= cn.readRetries || ctx.Err() != nil || !IsTransient(err) {
		return false
	}
	wait := min(100*time.Millisecond<<try, 2*time.Second)
	wait = wait/2 + rand.N(wait/2+1) //nolint:gosec // jitter, not crypto
	if d, ok := RetryAfter(err); ok {
		if d > maxReadRetryWait {
			return false
		}
		wait = max(d, 0)
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
