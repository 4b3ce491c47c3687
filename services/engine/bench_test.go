package engine

import (
	"fmt"
	"math"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// BenchmarkErase erases one subject across 1,000 emulated tenants with 50 ms
// of latency per Mautic call at the default settings, and reports tasks/s
// and the ratio to the ideal time: calls per task x latency x waves, where
// waves = ceil(tenants / Concurrency).
//
//	go test -run='^$' -bench=Erase -benchtime=1x ./services/engine/
func BenchmarkErase(b *testing.B) {
	const (
		n       = 1000
		latency = 50 * time.Millisecond
	)
	o := Options{AllowHTTPMautic: true} // defaults otherwise
	h := newHarness(b, n, specs(n, "bench"), o)
	tenantIDs := make([]string, n)
	for i := 1; i <= n; i++ {
		h.inst(i).SetFaults(mautictest.Faults{Latency: latency})
		tenantIDs[i-1] = fmt.Sprintf("t%d", i)
	}
	requests := func() int64 {
		var total int64
		for i := 1; i <= n; i++ {
			total += h.inst(i).Requests()
		}
		return total
	}
	var elapsed time.Duration
	var calls int64
	b.ResetTimer()
	for it := range b.N {
		b.StopTimer()
		email := fmt.Sprintf("bench%d@example.org", it)
		for i := 1; i <= n; i++ {
			h.inst(i).AddContact(map[string]any{"email": email})
		}
		before := requests()
		b.StartTimer()
		start := time.Now()
		r := h.create(operator, erasure(email, tenantIDs...))
		r = h.waitDone(r.GetRequestId())
		elapsed += time.Since(start)
		calls += requests() - before
		if r.GetState() != dsarv1.RequestState_REQUEST_STATE_SUCCEEDED {
			b.Fatalf("state %v", r.GetState())
		}
	}
	tasks := float64(n * b.N)
	callsPerTask := float64(calls) / tasks
	waves := math.Ceil(float64(n) / float64(h.eng.o.Concurrency))
	ideal := time.Duration(callsPerTask*waves*float64(latency)) * time.Duration(b.N)
	b.ReportMetric(tasks/elapsed.Seconds(), "tasks/s")
	b.ReportMetric(callsPerTask, "calls/task")
	b.ReportMetric(elapsed.Seconds()/ideal.Seconds(), "x-ideal")
	b.ReportMetric(float64(h.eng.o.Concurrency), "workers")
}
