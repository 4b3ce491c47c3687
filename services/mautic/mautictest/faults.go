package mautictest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Faults configures fault injection on one instance's /api calls. Rates are
// shares of requests in [0,1]; the draws are deterministic for a Seed.
type Faults struct {
	// Latency delays every request (token endpoint included).
	Latency time.Duration
	// FaultRate is the share answered 500 with Mautic's generic error.
	FaultRate float64
	// RateLimitRate is the share answered 429.
	RateLimitRate float64
	// RetryAfter is sent as Retry-After (whole seconds) on those 429s; 0
	// sends none and only X-RateLimit-* headers, like a real Mautic.
	RetryAfter time.Duration
	// HangRate is the share that never answers (until the client gives up).
	HangRate float64
	// MalformedRate is the share answered 200 with a truncated JSON body.
	MalformedRate float64
	// APIDisabled answers every /api and /oauth call 403 api_disabled.
	APIDisabled bool
	// Seed makes the draws reproducible.
	Seed int64
}

// SetFaults replaces the instance's fault configuration.
func (in *Instance) SetFaults(f Faults) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.faults = f
	in.rng = rand.New(rand.NewPCG(uint64(f.Seed), uint64(in.n)))
}

type faultKind int

const (
	faultNone faultKind = iota
	faultHang
	faultRateLimit
	faultServer
	faultMalformed
)

// drawFault picks this request's fault.
func (in *Instance) drawFault() (faultKind, Faults) {
	in.mu.Lock()
	defer in.mu.Unlock()
	f := in.faults
	if f.HangRate+f.RateLimitRate+f.FaultRate+f.MalformedRate <= 0 {
		return faultNone, f
	}
	u := in.rng.Float64()
	for _, c := range []struct {
		rate float64
		kind faultKind
	}{{f.HangRate, faultHang}, {f.RateLimitRate, faultRateLimit}, {f.FaultRate, faultServer}, {f.MalformedRate, faultMalformed}} {
		if u < c.rate {
			return c.kind, f
		}
		u -= c.rate
	}
	return faultNone, f
}

func (in *Instance) faultsNow() Faults {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.faults
}

// sleep waits d or until ctx is done; false when ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// injectFault writes the fault's answer; false means no fault applies.
func (in *Instance) injectFault(w http.ResponseWriter, r *http.Request, k faultKind, f Faults) bool {
	switch k {
	case faultHang:
		<-r.Context().Done()
		return true
	case faultRateLimit:
		h := w.Header()
		if f.RetryAfter > 0 {
			h.Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
		}
		h.Set("X-RateLimit-Limit", "1000")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatInt(in.now().Add(time.Hour).Unix(), 10))
		h.Set("Content-Type", "text/html; charset=UTF-8")
		h.Set("Cache-Control", "no-cache, private")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{ "errors": [ { "code": 429, "message": "You exceeded the rate limit of 1000 API calls per hour.", "details": [] } ]}`))
		return true
	case faultServer:
		writeException(w, http.StatusInternalServerError)
		return true
	case faultMalformed:
		writeController(w, http.StatusOK, []byte(`{"total":"1","contacts":{"1":{"isPublished":true,"dateAdded":"20`))
		return true
	}
	return false
}
