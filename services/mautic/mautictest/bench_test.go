package mautictest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchGet serves path on a SeedDemo instance in-process (no sockets).
func benchGet(b *testing.B, path string, seed func(in *Instance)) {
	fl := NewFleet(1)
	in := fl.Instance(1)
	in.SeedDemo(5)
	if seed != nil {
		seed(in)
	}
	req := httptest.NewRequest(http.MethodGet, "/i/1"+path, nil)
	req.SetBasicAuth("api", BasicPassword(1))
	var bytes int
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		fl.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
		bytes = rec.Body.Len()
	}
	b.ReportMetric(float64(bytes), "body-bytes")
}

// BenchmarkRichContact renders a demo contact with every extra.
func BenchmarkRichContact(b *testing.B) { benchGet(b, "/api/contacts/1", nil) }

// BenchmarkActivityPage100k renders one 100-per-type page of a contact with
// 100,000 seeded events: the cost must not grow with the seeded count.
func BenchmarkActivityPage100k(b *testing.B) {
	benchGet(b, "/api/contacts/1/activity?limit=100&page=7", func(in *Instance) { in.SeedEvents(1, 100_000) })
}

// BenchmarkSubResourceNotes renders a 30-note page out of 1,000 notes.
func BenchmarkSubResourceNotes(b *testing.B) {
	benchGet(b, "/api/contacts/1/notes", func(in *Instance) {
		for range 1000 {
			in.AddNote(1, Note{Text: "a note"})
		}
	})
}
