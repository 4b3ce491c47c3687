package mautic_test

import (
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestReadRetries proves that a Conn with read retries walks a whole
// timeline through a 30 % rate of 5xx answers, that
// without them the same walk fails, and that writes are never repeated.
func TestReadRetries(t *testing.T) {
	tests := []struct {
		name    string
		retries int
		wantErr bool
	}{
		{"no retries fail", 0, true},
		{"read retries succeed", 8, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1)
			in := e.fleet.Instance(1)
			id := in.AddContact(map[string]any{"email": "walk@example.org"})
			in.SeedEvents(id, 1500)
			want := in.EventCount(id)
			in.SetFaults(mautictest.Faults{FaultRate: 0.3, Seed: 7})
			conn := e.basic(1).WithReadRetries(tc.retries)
			n := 0
			var err error
			for i := 0; i < 6 && err == nil; i++ { // 6 walks: dozens of calls
				err = conn.EachEvent(t.Context(), id, func(mautic.Event) error { n++; return nil })
			}
			want *= 6
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if !tc.wantErr && n != want {
				t.Fatalf("%d events, want %d", n, want)
			}
		})
	}
	t.Run("writes are not repeated", func(t *testing.T) {
		e := newEnv(t, 1)
		in := e.fleet.Instance(1)
		id := in.AddContact(map[string]any{"email": "w@example.org"})
		in.SetFaults(mautictest.Faults{FaultRate: 1})
		before := in.Requests()
		if err := e.basic(1).WithReadRetries(5).DeleteContact(t.Context(), id); err == nil {
			t.Fatal("delete under 100% faults succeeded")
		}
		if got := in.Requests() - before; got != 1 {
			t.Fatalf("delete sent %d times, want 1", got)
		}
	})
}
