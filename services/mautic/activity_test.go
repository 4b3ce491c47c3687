package mautic_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestEachEventEveryEventOnce(t *testing.T) {
	tests := []struct {
		name   string
		seeded int
		dnc    bool
	}{
		{"no seeded events", 0, false},
		{"one page", 7, true},
		{"many pages", 2_345, true},
		{"hundred thousand", 100_000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if (testing.Short() || raceEnabled) && tc.seeded > 10_000 {
				t.Skip("large; covered without -race and by BenchmarkEachEvent")
			}
			e := newEnv(t, 1)
			in := e.fleet.Instance(1)
			id := in.AddContact(map[string]any{"email": "gina@example.com"})
			in.SeedEvents(id, tc.seeded)
			cn := e.basic(1)
			want := tc.seeded + 1 // + lead.source.identified
			if tc.dnc {
				if err := cn.AddDNC(t.Context(), id, "email", 3, ""); err != nil {
					t.Fatal(err)
				}
				want++
			}
			seen := make(map[string]bool, want)
			types := map[string]int{}
			err := cn.EachEvent(t.Context(), id, func(ev mautic.Event) error {
				key := ev.Event + "/" + ev.EventID
				if seen[key] {
					t.Fatalf("event %s twice", key)
				}
				seen[key] = true
				types[ev.Event]++
				if ev.Timestamp.IsZero() || ev.EventID == "" || ev.EventType == "" || len(ev.Raw) == 0 {
					t.Fatalf("incomplete event %+v", ev)
				}
				if ev.Event == "page.hit" && !strings.HasPrefix(ev.Label, "Page ") {
					t.Fatalf("object eventLabel not decoded: %q", ev.Label)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(seen) != want {
				t.Fatalf("saw %d events, want %d (%v)", len(seen), want, types)
			}
		})
	}
}

func TestEachEventStopsOnCallbackError(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "hal@example.com"})
	in.SeedEvents(id, 1000)
	stop := errors.New("stop")
	n := 0
	err := e.basic(1).EachEvent(t.Context(), id, func(mautic.Event) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Fatalf("err = %v after %d events", err, n)
	}
	if err := e.basic(1).EachEvent(t.Context(), 9999, func(mautic.Event) error { return nil }); !errors.Is(err, mautic.ErrNotFound) {
		t.Fatalf("unknown contact: %v", err)
	}
}
