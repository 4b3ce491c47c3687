package mautictest

import (
	"fmt"
	"sync"
	"testing"
)

// TestSeedingWhileServing runs the seeding API concurrently with requests
// (meaningful under -race).
func TestSeedingWhileServing(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "c@x.io"})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				switch (w + i) % 5 {
				case 0:
					_, _ = in.AddField(Field{Alias: fmt.Sprintf("f_%d_%d", w, i)})
				case 1:
					in.AddNote(id, Note{Text: "n"})
					in.AddToSegment(id, Segment{Alias: fmt.Sprint("s", i)})
				case 2:
					e, _ := in.ContactExtras(id)
					e.Tags = append(e.Tags, fmt.Sprint("t", w))
					in.SetContactExtras(id, e)
				case 3:
					h.do(t, "GET", "/api/contacts?search=email:c", "")
					h.do(t, "GET", "/api/contacts/1/segments", "")
				default:
					h.do(t, "PATCH", "/api/contacts/1/edit", fmt.Sprintf(`{"f_%d_%d":"v","tags":["x"]}`, w, i))
				}
			}
		}()
	}
	wg.Wait()
	if st, _, _ := h.do(t, "GET", "/api/fields/contact", ""); st != 200 || !in.HasContact(id) {
		t.Fatal(st)
	}
}
