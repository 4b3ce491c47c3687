package mautic_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestSubResourcePagesEveryMember proves that notes and devices, which Mautic
// pages 30 at a time, come back whole however many there are.
func TestSubResourcePagesEveryMember(t *testing.T) {
	for _, n := range []int{0, 1, 30, 31, 100, 101, 250} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			e := newEnv(t, 1)
			in := e.fleet.Instance(1)
			id := in.AddContact(map[string]any{"email": "notes@example.org"})
			for i := 0; i < n; i++ {
				in.AddNote(id, mautictest.Note{Text: fmt.Sprintf("note %d", i)})
			}
			raw, err := e.basic(1).SubResource(t.Context(), id, "notes")
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				Total int               `json:"total"`
				Notes []json.RawMessage `json:"notes"`
			}
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatal(err)
			}
			if body.Total != n || len(body.Notes) != n {
				t.Fatalf("total %d, %d notes; want %d", body.Total, len(body.Notes), n)
			}
			seen := map[string]bool{}
			for _, m := range body.Notes {
				var note struct {
					Text string `json:"text"`
				}
				_ = json.Unmarshal(m, &note)
				if seen[note.Text] {
					t.Fatalf("note %q twice", note.Text)
				}
				seen[note.Text] = true
			}
		})
	}
}
