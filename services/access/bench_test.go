package access

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// heapSampler records the peak heap in use while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > h.peak.Load() {
				h.peak.Store(ms.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() float64 {
	close(h.stop)
	<-h.done
	return float64(h.peak.Load()) / (1 << 20)
}

// peakRSSMiB is the process's high-water resident set (Linux), or 0.
func peakRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkExport100kEvents exports one subject with 100,000 activity
// events from one emulated tenant through Collect and Build, and reads the
// package back; it reports wall time per export, the peak heap in use and
// the process's peak RSS (the emulator runs in the same process).
func BenchmarkExport100kEvents(b *testing.B) {
	e := newEnv(b, 1)
	ctx := context.Background()
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": canaryEmail, "firstname": "Zoequartz"})
	in.SeedEvents(id, 100_000)
	ten := e.register(b, "t-one", 1, nil)
	conn := e.conn(1, "t-one")
	cs, err := conn.FindByEmail(ctx, canaryEmail)
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	h := sampleHeap()
	var events int64
	var size int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rid := fmt.Sprintf("rbench%d", i)
		st, err := e.p.Collect(ctx, rid, ten, conn, cs)
		if err != nil {
			b.Fatal(err)
		}
		info, err := e.p.Build(ctx, accessRequest(rid, succeeded("t-one")))
		if err != nil {
			b.Fatal(err)
		}
		rc, _, err := e.p.Open(ctx, rid)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, rc); err != nil {
			b.Fatal(err)
		}
		rc.Close()
		events, size = st.GetEvents(), info.GetSizeBytes()
	}
	b.StopTimer()
	b.ReportMetric(h.Stop(), "peak-heap-MiB")
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(size)/(1<<20), "zip-MiB")
}

// BenchmarkExport200Tenants collects one subject (one contact, 50 events)
// from each of 200 emulated tenants, 8 at a time, and builds one package;
// it reports collect tasks per second.
func BenchmarkExport200Tenants(b *testing.B) {
	const n = 200
	e := newEnv(b, n)
	ctx := context.Background()
	tens := make([]*dsarv1.Tenant, n)
	for i := 1; i <= n; i++ {
		in := e.fleet.Instance(i)
		id := in.AddContact(map[string]any{"email": canaryEmail})
		in.SeedEvents(id, 50)
		tens[i-1] = e.register(b, fmt.Sprintf("t-%03d", i), i, nil)
	}
	b.ResetTimer()
	start := time.Now()
	for it := 0; it < b.N; it++ {
		rid := fmt.Sprintf("rmany%d", it)
		var mu sync.Mutex
		var tasks []*dsarv1.Task
		var g errgroup.Group
		g.SetLimit(8)
		for i, ten := range tens {
			g.Go(func() error {
				conn := e.conn(i+1, ten.GetTenantId())
				cs, err := conn.FindByEmail(ctx, canaryEmail)
				if err != nil {
					return err
				}
				if _, err := e.p.Collect(ctx, rid, ten, conn, cs); err != nil {
					return err
				}
				mu.Lock()
				tasks = append(tasks, succeeded(ten.GetTenantId()))
				mu.Unlock()
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			b.Fatal(err)
		}
		if _, err := e.p.Build(ctx, accessRequest(rid, tasks...)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "tasks/s")
}
