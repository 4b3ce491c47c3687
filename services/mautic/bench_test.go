package mautic_test

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// BenchmarkEmulatorThroughput measures how many GET /api/contacts/{id}
// requests per second the emulator serves on loopback (Basic Auth, keep-
// alive, parallel clients): the ceiling for fan-out benchmarks.
func BenchmarkEmulatorThroughput(b *testing.B) {
	e := newEnv(b, 1)
	id := e.fleet.Instance(1).AddContact(map[string]any{"email": "bench@example.com"})
	url := mautictest.InstanceURL(e.srv.URL, 1) + "/api/contacts/" + itoa(int(id))
	hc := &http.Client{Transport: e.tr}
	var n atomic.Int64
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.SetBasicAuth("api", mautictest.BasicPassword(1))
			resp, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			n.Add(1)
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "req/s")
}

// BenchmarkFindByEmail measures one exact-lookup round trip through the
// client (span, semaphore, decode) against the emulator.
func BenchmarkFindByEmail(b *testing.B) {
	e := newEnv(b, 1)
	in := e.fleet.Instance(1)
	in.Seed(200)
	cn := e.basic(1)
	ctx := context.Background()
	start := time.Now()
	b.ResetTimer()
	for b.Loop() {
		got, err := cn.FindByEmail(ctx, "bob@example.org")
		if err != nil || len(got) != 1 {
			b.Fatal(len(got), err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "lookups/s")
}

// BenchmarkEachEvent pages through a 100,000-event timeline.
func BenchmarkEachEvent(b *testing.B) {
	e := newEnv(b, 1)
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "timeline@example.com"})
	in.SeedEvents(id, 100_000)
	cn := e.client.Conn(mautic.Instance{TenantID: "t", BaseURL: mautictest.InstanceURL(e.srv.URL, 1),
		Credentials: mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(1)}})
	for b.Loop() {
		n := 0
		if err := cn.EachEvent(context.Background(), id, func(mautic.Event) error { n++; return nil }); err != nil || n != 100_001 {
			b.Fatal(n, err)
		}
	}
	b.ReportMetric(100_001, "events/op")
}
