package mautictest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 22, 22, 53, 19, 0, time.UTC)

// richContact seeds instance 1 of h with one contact carrying every extra.
func richContact(t *testing.T, h *harness) int64 {
	t.Helper()
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "rich@example.com", "firstname": "Rita", "tags": []string{"vip"}, "ipAddress": "198.51.100.7"})
	e, _ := in.ContactExtras(id)
	e.Tags = append(e.Tags, "b2b")
	e.UTMTags = []UTMTag{{Campaign: "spring", Source: "news", URL: "https://x.example/a?b=c", Query: map[string]string{"b": "c"}, Added: t0}}
	e.Points, e.Color, e.PreferredProfileImage = 42, "ab5959", "gravatar"
	e.Stage = &Stage{ID: 2, Name: "Customer", Weight: 20, Description: "Paying"}
	e.Owner = &Owner{ID: 1, Username: "admin", FirstName: "Admin", LastName: "User"}
	e.LastActive = t0
	if !in.SetContactExtras(id, e) {
		t.Fatal("SetContactExtras on a live contact")
	}
	return id
}

const (
	wantIP   = `"ipAddresses":[{"id":1,"ipAddress":"198.51.100.7","ipDetails":{"city":"","region":"","country":"","latitude":"","longitude":"","isp":"","organization":"","timezone":""}}]`
	wantGET  = `"lastActive":"2026-11-22T22:53:19+00:00","owner":{"id":1,"username":"admin","firstName":"Admin","lastName":"User"},` + wantIP + `,"tags":[{"id":1,"tag":"vip","description":null},{"id":2,"tag":"b2b","description":null}],"utmtags":[{"id":1,"query":{"b":"c"},"referer":null,"remoteHost":null,"url":"https:\/\/x.example\/a?b=c","userAgent":null,"utmCampaign":"spring","utmContent":null,"utmMedium":null,"utmSource":"news","utmTerm":null}],"stage":{"id":2,"name":"Customer","category":null,"weight":20,"description":"Paying"},"dateIdentified":`
	wantDNC  = `"lastActive":"2026-11-22T22:53:19+00:00","owner":{"id":1,"username":"admin","firstName":"Admin","lastName":"User"},` + wantIP + `,"tags":[{"id":1,"tag":"vip"},{"id":2,"tag":"b2b"}],"utmtags":[{"id":1,"query":{"b":"c"},"url":"https:\/\/x.example\/a?b=c","utmCampaign":"spring","utmSource":"news"}],"stage":{"id":2,"name":"Customer","weight":20,"description":"Paying"},"dateIdentified":`
	wantHead = `"id":1,"points":42,"color":"ab5959","fields":`
)

// TestExtrasInEveryView checks the extras' shapes and key order in the GET,
// list, DNC (group-less), merge-on-create and delete answers.
func TestExtrasInEveryView(t *testing.T) {
	tests := []struct {
		name, method, path, body string
		contains                 []string
		absent                   []string
	}{
		{"get", "GET", "/api/contacts/1", "", []string{wantHead, wantGET, `"preferredProfileImage":"gravatar","doNotContact":[]`}, nil},
		{"list", "GET", "/api/contacts?search=email:rich", "", []string{wantGET, `"all":{"id":"1","points":42,"last_active":"2026-11-22 22:53:19"`}, nil},
		{"minimal list stops after fields", "GET", "/api/contacts?search=email:rich&minimal=1", "", []string{`"points":42,"color":"ab5959"`}, []string{`"tags"`}},
		{"dnc view drops nulls", "POST", "/api/contacts/1/dnc/email/add", "", []string{`"id":1,"points":42,"color":"ab5959","firstname":"Rita"`, wantDNC, `"preferredProfileImage":"gravatar","doNotContact":[{`}, []string{`null`}},
		{"merge on create keeps extras and adds a tag", "POST", "/api/contacts/new", `{"email":"RICH@example.com","tags":"new,-vip"}`,
			[]string{`"tags":[{"id":2,"tag":"b2b","description":null},{"id":3,"tag":"new","description":null}]`}, nil},
		{"delete", "DELETE", "/api/contacts/1/delete", "", []string{`"id":null,"points":42`, wantGET}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			richContact(t, h)
			status, _, body := h.do(t, tc.method, tc.path, tc.body)
			if status != 200 || !json.Valid([]byte(body)) {
				t.Fatalf("status %d: %s", status, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks\n%s\nin\n%s", c, body)
				}
			}
			for _, a := range tc.absent {
				if strings.Contains(body, a) {
					t.Errorf("body has %s", a)
				}
			}
		})
	}
}

func TestContactExtrasRoundTrip(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := richContact(t, h)
	e, ok := in.ContactExtras(id)
	if !ok || strings.Join(e.Tags, ",") != "vip,b2b" || e.Points != 42 || e.Stage.Name != "Customer" ||
		e.Owner.Username != "admin" || !e.LastActive.Equal(t0) || e.UTMTags[0].Query["b"] != "c" || e.IPAddresses[0] != "198.51.100.7" {
		t.Fatalf("extras %+v", e)
	}
	e.UTMTags[0].Query["b"] = "mutated" // a copy: the stored row stays
	if e2, _ := in.ContactExtras(id); e2.UTMTags[0].Query["b"] != "c" {
		t.Fatal("ContactExtras leaked internal state")
	}
	if in.SetContactExtras(999, Extras{}) || in.AddDNC(999, "email", 1, "") {
		t.Fatal("seeding an unknown contact must report false")
	}
	if _, ok := in.ContactExtras(999); ok {
		t.Fatal("extras of an unknown contact")
	}
	in.SetContactExtras(id, Extras{}) // clears everything
	_, _, body := h.do(t, "GET", "/api/contacts/1", "")
	if !strings.Contains(body, `"lastActive":null,"owner":null,"ipAddresses":[],"tags":[],"utmtags":[],"stage":null`) ||
		!strings.Contains(body, `"last_active":null`) {
		t.Fatalf("cleared extras: %s", body)
	}
}

func TestCreateViewUTMTags(t *testing.T) {
	h := newHarness(t)
	_, _, body := h.do(t, "POST", "/api/contacts/new", `{"email":"n@x.io","tags":["a","b"],"ipAddress":"192.0.2.1"}`)
	if !strings.Contains(body, `"tags":[{"id":1,"tag":"a","description":null},{"id":2,"tag":"b","description":null}],"utmtags":null`) ||
		!strings.Contains(body, `"ipAddress":"192.0.2.1"`) {
		t.Fatalf("%s", body)
	}
}

func TestAddDNCSeedsEvent(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "d@x.io"})
	in.AddDNC(id, "email", 1, "via preference centre")
	in.AddDNC(id, "email", 3, "ignored") // never changes an existing entry
	if in.DNC(id, "email") != 1 || in.EventCount(id) != 2 {
		t.Fatalf("dnc %d events %d", in.DNC(id, "email"), in.EventCount(id))
	}
	_, _, body := h.do(t, "GET", "/api/contacts/1/activity", "")
	if !strings.Contains(body, `"reason":"Contact unsubscribed from this channel.","comments":"via preference centre"`) {
		t.Fatalf("%s", body)
	}
}
