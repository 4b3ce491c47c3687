package mautictest

import (
	"strings"
	"testing"
	"time"
)

// TestEditMerge: PATCH/PUT with an email that belongs to another contact
// merges that contact into the URL contact and deletes it (API.md §5.5).
func TestEditMerge(t *testing.T) {
	tests := []struct {
		name, method, body string
		merged             bool
		contains           []string
	}{
		{"patch with another's email", "PATCH", `{"email":"LOSER@x.io"}`, true, []string{
			`"id":1,"points":15`, `"firstname":"Winner"`, `"lastname":"FromLoser"`, `"city":"Oldtown"`,
			`"tags":[{"id":1,"tag":"w","description":null},{"id":2,"tag":"l","description":null}]`,
			`"ipAddresses":[{"id":1,"ipAddress":"192.0.2.1"`, `{"id":2,"ipAddress":"192.0.2.2"`,
			`"owner":{"id":7,"username":"sales"`, `"email":"LOSER@x.io"`}},
		{"put with another's email", "PUT", `{"email":"loser@x.io","firstname":"Put"}`, true, []string{`"firstname":"Put"`, `"points":15`}},
		{"patch with its own email", "PATCH", `{"email":"winner@x.io","city":"Newtown"}`, false, []string{`"points":10`, `"city":"Newtown"`}},
		{"patch without email", "PATCH", `{"city":"Newtown"}`, false, []string{`"points":10`}},
		{"patch with a fresh email", "PATCH", `{"email":"fresh@x.io"}`, false, []string{`"email":"fresh@x.io"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			in := h.f.Instance(1)
			w := in.AddContact(map[string]any{"email": "winner@x.io", "firstname": "Winner", "tags": "w", "ipAddress": "192.0.2.1", "points": 10})
			l := in.AddContact(map[string]any{"email": "loser@x.io", "firstname": "Loser", "lastname": "FromLoser", "city": "Oldtown",
				"tags": "l", "ipAddress": "192.0.2.2", "points": 5})
			e, _ := in.ContactExtras(l)
			e.Owner = &Owner{ID: 7, Username: "sales"}
			in.SetContactExtras(l, e)
			in.SeedEvents(l, 4)
			in.AddNote(l, Note{Text: "gone with the loser"})
			in.AddToCampaign(l, Campaign{Name: "Moved"})
			before := in.EventCount(w)

			status, _, body := h.do(t, tc.method, "/api/contacts/1/edit", tc.body)
			if status != 200 {
				t.Fatalf("%d %s", status, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks %s\n%s", c, body)
				}
			}
			winner, ok := in.MergedInto(l)
			if ok != tc.merged || in.HasContact(l) == tc.merged || (ok && winner != w) {
				t.Fatalf("merged=%v into %d, loser alive=%v", ok, winner, in.HasContact(l))
			}
			if !tc.merged {
				return
			}
			if st, _, _ := h.do(t, "GET", "/api/contacts/2", ""); st != 404 {
				t.Errorf("loser still answers %d", st)
			}
			if in.DeleteCount(l) != 0 {
				t.Error("a merge is not an API DELETE")
			}
			if got := in.EventCount(w); got != before+4 {
				t.Errorf("winner has %d events, want %d (the loser's seeded events move)", got, before+4)
			}
			_, _, camps := h.do(t, "GET", "/api/contacts/1/campaigns", "")
			_, _, notes := h.do(t, "GET", "/api/contacts/1/notes", "")
			if !strings.Contains(camps, `"name":"Moved"`) || notes != `{"total":0,"notes":[]}` {
				t.Errorf("campaigns move, notes cascade: %s %s", camps, notes)
			}
		})
	}
}

func TestMergeNewestValueWins(t *testing.T) {
	tests := []struct {
		name        string
		loserNewer  bool
		wantFirst   string
		wantCompany string
	}{
		{"winner newer keeps its values", false, "W", "WCo"},
		{"loser newer: its non-empty values win", true, "L", "WCo"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := NewFleet(1, WithClock(func() time.Time { return t0 })).Instance(1)
			w := in.AddContact(map[string]any{"email": "w@x.io", "firstname": "W", "company": "WCo"})
			l := in.AddContact(map[string]any{"email": "l@x.io", "firstname": "L"})
			in.mu.Lock()
			if tc.loserNewer {
				in.contacts[l].modified = t0.Add(time.Hour)
			} else {
				in.contacts[w].modified = t0.Add(time.Hour)
			}
			in.mergeLocked(in.contacts[w], in.contacts[l])
			in.mu.Unlock()
			if v, _ := in.ContactField(w, "firstname"); v != tc.wantFirst {
				t.Errorf("firstname %q", v)
			}
			if v, _ := in.ContactField(w, "company"); v != tc.wantCompany {
				t.Errorf("company %q (an empty newest value never wins)", v)
			}
		})
	}
}
