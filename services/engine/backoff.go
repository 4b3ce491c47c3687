package engine

import "time"

// backoff is the wait before retry number attempt (1 after the first
// failure): exponential with full jitter, uniform in [0, min(max,
// base*2^(attempt-1))). A Retry-After from the server wins when given: the
// wait is then exactly that long, never less (no jitter below it).
func backoff(attempt int, base, maxWait, retryAfter time.Duration, jitter func() float64) time.Duration {
	if retryAfter > 0 {
		return retryAfter
	}
	ceil := base
	for i := 1; i < attempt && ceil < maxWait; i++ {
		ceil *= 2
	}
	if ceil > maxWait {
		ceil = maxWait
	}
	return time.Duration(jitter() * float64(ceil))
}
