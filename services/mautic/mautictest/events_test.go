package mautictest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestSeededEventDetails checks each seeded type carries its listener's
// details (API.md §5.9), plus the UTM and DNC events of seeded extras.
func TestSeededEventDetails(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	id := in.AddContact(map[string]any{"email": "e@x.io", "firstname": "Eve"})
	in.SeedEvents(id, 5)
	in.AddDNC(id, "sms", 2, "bounced")
	e, _ := in.ContactExtras(id)
	e.UTMTags = []UTMTag{{Campaign: "c1", Query: map[string]string{"utm_campaign": "c1"}, Added: t0}}
	in.SetContactExtras(id, e)
	if n := in.EventCount(id); n != 8 {
		t.Fatalf("EventCount %d, want 5 seeded + identified + dnc + utm", n)
	}
	_, _, body := h.do(t, "GET", "/api/contacts/1/activity?limit=100", "")
	var a struct {
		Events []json.RawMessage
		Total  int
	}
	if err := json.Unmarshal([]byte(body), &a); err != nil || a.Total != 8 || len(a.Events) != 8 {
		t.Fatalf("%v total %d: %s", err, a.Total, body)
	}
	want := map[string][]string{
		"page.hit":               {`"hit":{"hitId":`, `"url":"https:\/\/instance-1.example\/page\/1"`, `"urlTitle":"Page 1"`, `"userAgent":`, `"device":"desktop"`},
		"email.sent":             {`"stat":{"email_id":`, `"subject":"Newsletter 1"`, `"dateRead":null`, `"isRead":"0"`, `"type":"sent"`},
		"email.read":             {`"isRead":"1"`, `"type":"read"`},
		"form.submitted":         {`"results":{"email":"e@x.io","firstname":"Eve","message":"Message 1"}`, `"form":{"id":1,"name":"Contact form"}`},
		"point.gained":           {`"log":{"eventName":"Page visit","actionName":"Visited page"`, `"delta":"1"`},
		"lead.donotcontact":      {`"dnc":{"id":"1","channel":"sms"`, `"reason":"Communication bounced for this channel.","comments":"bounced"`},
		"lead.utmtagsadded":      {`"utmtags":{"id":"1","lead_id":"1","date_added":"2026-11-22 22:53:19","query":"a:1:{s:12:\"utm_campaign\";s:2:\"c1\";}"`, `"utm_campaign":"c1"`},
		"lead.source.identified": {`"objectDescription":"Admin User"`},
	}
	seen := map[string]bool{}
	for _, raw := range a.Events {
		var ev struct{ Event string }
		_ = json.Unmarshal(raw, &ev)
		for _, c := range want[ev.Event] {
			if !strings.Contains(string(raw), c) {
				t.Errorf("%s lacks %s\n%s", ev.Event, c, raw)
			}
		}
		seen[ev.Event] = true
	}
	if len(seen) != len(want) {
		t.Fatalf("types seen %v", seen)
	}
}

func TestSeedDemo(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	in.SeedDemo(8)
	ids := in.ContactIDs()
	if len(ids) != 12 {
		t.Fatalf("%d contacts", len(ids))
	}
	rich := 0
	for _, id := range ids {
		if e, _ := in.ContactExtras(id); len(e.Tags) > 0 {
			rich++
			want := 27 // 25 seeded + identified + UTM
			if in.DNC(id, "email") != 0 {
				want++
			}
			if in.EventCount(id) != want || e.Stage == nil || len(e.UTMTags) != 1 {
				t.Errorf("contact %d: %d events, %+v", id, in.EventCount(id), e)
			}
		}
	}
	if rich != 6 || in.DNC(9, "email") != 1 || in.ContactEmail(9) != "bob@example.org" {
		t.Fatalf("rich %d, bob dnc %d", rich, in.DNC(9, "email"))
	}
	_, _, body := h.do(t, "GET", "/api/fields/contact?limit=0", "")
	if !strings.HasPrefix(body, `{"total":30,`) {
		t.Fatal(body[:40])
	}
	in.SeedDemo(0) // a second call keeps the fields and adds nothing
	if len(in.ContactIDs()) != 12 {
		t.Fatal("SeedDemo(0) added contacts")
	}
}

// TestServeFaultMix: Serve's faultRate answers both 500s and 429s with
// Retry-After: 1, and serves the demo data.
func TestServeFaultMix(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, "127.0.0.1:0", 1, 3, 0, 1, func(u string) { ready <- u }) }()
	base := InstanceURL(<-ready, 1)
	counts := map[int]int{}
	for range 60 {
		req, _ := http.NewRequest("GET", base+"/api/contacts/1/notes", nil)
		req.SetBasicAuth("api", BasicPassword(1))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		counts[resp.StatusCode]++
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "1" {
			t.Fatalf("429 with Retry-After %q", resp.Header.Get("Retry-After"))
		}
	}
	if counts[500] == 0 || counts[429] == 0 || counts[500]+counts[429] != 60 {
		t.Fatalf("mix %v", counts)
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestServeWithDemoData(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeWith(ctx, ServeOptions{Addr: "127.0.0.1:0", Instances: 2, Contacts: 2, Ready: func(u string) { ready <- u }})
	}()
	base := InstanceURL(<-ready, 2)
	req, _ := http.NewRequest("GET", base+"/api/contacts/1/segments", nil)
	req.SetBasicAuth("api", BasicPassword(2))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"alias":"newsletter-subscribers"`) {
		t.Fatalf("%s", b)
	}
	if err := ServeWith(ctx, ServeOptions{}); err == nil {
		t.Fatal("zero instances must fail")
	}
	http.DefaultClient.CloseIdleConnections()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
