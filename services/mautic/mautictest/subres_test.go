package mautictest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// seedSubs gives contact 1 of h one of each sub-resource and returns it.
func seedSubs(t *testing.T, h *harness) *Instance {
	t.Helper()
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "s@x.io"})
	other := in.AddContact(map[string]any{"email": "o@x.io"})
	if in.AddNote(id, Note{Text: "<p>first</p>", DateTime: t0}) != 1 || in.AddNote(id, Note{Text: "second", Type: "call", DateTime: t0}) != 2 {
		t.Fatal("note ids")
	}
	in.AddDevice(id, Device{Type: "smartphone", OSName: "Android", OSShortName: "AND", OSVersion: "14", Brand: "GO", Model: "Pixel"})
	if in.AddCompany(id, Company{Name: "Acme", City: "Paris", Primary: true}) != 1 || in.AddCompany(other, Company{Name: "Acme"}) != 1 {
		t.Fatal("companies are shared by name")
	}
	in.AddCompany(id, Company{Name: "Globex"})
	in.AddToSegment(id, Segment{Name: "VIPs", Alias: "vips"})
	in.AddToCampaign(id, Campaign{Name: "Onboarding", Segments: []string{"vips", "trial"}})
	in.AddToCampaign(id, Campaign{Name: "Onboarding"}) // twice: one membership
	return in
}

func TestSubResources(t *testing.T) {
	tests := []struct {
		path string
		want string // exact body, or a prefix ending in "…"
	}{
		{"notes", `{"total":2,"notes":[{"id":2,"text":"second","type":"call","dateTime":"2026-11-22T22:53:19+00:00"},{"id":1,"text":"<p>first<\/p>","type":"general","dateTime":"2026-11-22T22:53:19+00:00"}]}`},
		{"notes?limit=1&start=1", `{"total":2,"notes":[{"id":1,"text":"<p>first<\/p>","type":"general","dateTime":"2026-11-22T22:53:19+00:00"}]}`},
		{"devices", `{"total":1,"devices":[{"id":1,"lead":[],"clientInfo":[],"device":"smartphone","deviceBrand":"GO","deviceModel":"Pixel","deviceOsName":"Android","deviceOsShortName":"AND","deviceOsVersion":"14","deviceOsPlatform":""}]}`},
		{"companies", `{"total":2,"companies":[{"company_id":"1","date_associated":"…`},
		{"segments", `{"total":1,"lists":{"1":{"id":1,"name":"VIPs","alias":"vips","dateAdded":"…`},
		{"campaigns", `{"total":1,"campaigns":{"1":{"id":1,"name":"Onboarding","dateAdded":"…`},
	}
	h := newHarness(t)
	seedSubs(t, h)
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			status, hdr, body := h.do(t, "GET", "/api/contacts/1/"+tc.path, "")
			if status != 200 || hdr.Get("Mautic-Version") != "5.1.0" || !json.Valid([]byte(body)) {
				t.Fatalf("%d %s", status, body)
			}
			if p, ok := strings.CutSuffix(tc.want, "…"); ok {
				if !strings.HasPrefix(body, p) {
					t.Fatalf("got  %s\nwant %s…", body, p)
				}
			} else if body != tc.want {
				t.Fatalf("got  %s\nwant %s", body, tc.want)
			}
		})
	}
	_, _, body := h.do(t, "GET", "/api/contacts/1/companies", "")
	for _, c := range []string{`"is_primary":"1","id":"1"`, `"companycity":"Paris"`, `"companyname":"Acme"`, `"is_primary":"0","id":"2"`, `"companyname":"Globex"`} {
		if !strings.Contains(body, c) {
			t.Errorf("companies lack %s: %s", c, body)
		}
	}
	_, _, body = h.do(t, "GET", "/api/contacts/1/campaigns", "")
	if !strings.Contains(body, `"manuallyRemoved":false,"manuallyAdded":false,"listMembership":[1,2]}}}`) {
		t.Errorf("campaign: %s", body)
	}
	_, _, body = h.do(t, "GET", "/api/contacts/1", "")
	if !strings.Contains(body, `"company":"Acme"`) {
		t.Error("a primary company fills the company field")
	}
}

func TestSubResourcesNotFoundAndCascade(t *testing.T) {
	h := newHarness(t)
	in := seedSubs(t, h)
	if in.AddNote(99, Note{Text: "x"}) != 0 || in.AddDevice(99, Device{}) != 0 || in.AddCompany(99, Company{Name: "A"}) != 0 ||
		in.AddToSegment(99, Segment{Alias: "a"}) != 0 || in.AddToCampaign(99, Campaign{Name: "c"}) != 0 {
		t.Fatal("seeding an unknown contact must return 0")
	}
	if st, _, _ := h.do(t, "DELETE", "/api/contacts/1/delete", ""); st != 200 {
		t.Fatal(st)
	}
	for _, p := range []string{"notes", "devices", "companies", "segments", "campaigns"} {
		for _, id := range []string{"1", "99"} {
			if st, _, body := h.do(t, "GET", "/api/contacts/"+id+"/"+p, ""); st != 404 || body != `{"errors":[{"code":404,"message":"Item was not found.","details":[]}]}` {
				t.Errorf("%s of %s: %d %s", p, id, st, body)
			}
		}
	}
	// Companies outlive their contacts (not cascaded): contact 2 still has Acme as id 1.
	_, _, body := h.do(t, "GET", "/api/contacts/2/companies", "")
	if !strings.Contains(body, `"company_id":"1"`) {
		t.Fatalf("%s", body)
	}
}

func TestNotesDefaultPageLimit(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "n@x.io"})
	for i := range 35 {
		in.AddNote(id, Note{Text: fmt.Sprint(i)})
	}
	var a struct {
		Total int
		Notes []struct{ ID int64 }
	}
	for _, tc := range []struct {
		q       string
		n       int
		firstID int64
	}{{"", 30, 35}, {"?start=30", 5, 5}, {"?limit=0", 35, 35}} {
		_, _, body := h.do(t, "GET", "/api/contacts/1/notes"+tc.q, "")
		if err := json.Unmarshal([]byte(body), &a); err != nil || a.Total != 35 || len(a.Notes) != tc.n || a.Notes[0].ID != tc.firstID {
			t.Fatalf("%q: total %d, %d notes, %v", tc.q, a.Total, len(a.Notes), err)
		}
	}
}
