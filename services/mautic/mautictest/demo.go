package mautictest

import (
	"fmt"
	"time"
)

// Demo custom fields SeedDemo adds to an instance.
var demoFields = []Field{
	{Alias: "newsletter_opt_in", Label: "Newsletter opt-in", Type: "boolean", Group: "personal"},
	{Alias: "favourite_product", Label: "Favourite product", Type: "select", Group: "professional",
		Options: []string{"Anvil", "Rocket skates", "Giant magnet"}},
}

// demoRich is how many sample contacts SeedDemo enriches.
const demoRich = 5

// SeedDemo is Seed(k) plus the data that makes a demo access package worth
// reading: two custom fields (newsletter_opt_in, favourite_product), and
// on the first min(k, 5) sample contacts and on bob@example.org: custom
// values, two tags, an IP address, a UTM tag, points, a stage, an owner, a
// note, a device, a company, a segment, a campaign and 25 activity events
// (bob@example.org also gets an email DNC). Everything is deterministic.
func (in *Instance) SeedDemo(k int) {
	for _, f := range demoFields {
		_, _ = in.AddField(f) // already there on a second call: keep it
	}
	in.mu.Lock()
	first := in.nextID + 1
	in.mu.Unlock()
	in.Seed(k)
	var rich []int64
	for j := 0; j < min(k, demoRich); j++ {
		rich = append(rich, first+int64(j))
	}
	if k > 0 {
		rich = append(rich, first+int64(k)) // bob@example.org
	}
	for i, id := range rich {
		in.enrich(id, i)
	}
	if k > 0 {
		in.AddDNC(first+int64(k), "email", 1, "Unsubscribed from the newsletter")
	}
}

// enrich gives contact id the demo extras and sub-resources; i varies them.
func (in *Instance) enrich(id int64, i int) {
	products := demoFields[1].Options
	in.mu.Lock()
	if c := in.contacts[id]; c != nil {
		in.applyLocked(c, map[string]any{
			"newsletter_opt_in": i%2 == 0,
			"favourite_product": products[i%len(products)],
			"phone":             fmt.Sprintf("+1555010%04d", id),
		}, false)
	}
	now := in.now()
	in.mu.Unlock()
	tags := [][]string{{"customer", "newsletter"}, {"lead", "webinar-2025"}, {"customer", "vip"}}
	in.SetContactExtras(id, Extras{
		Tags:        tags[i%len(tags)],
		IPAddresses: []string{fmt.Sprintf("203.0.113.%d", 10+i)},
		UTMTags: []UTMTag{{Campaign: "spring-sale", Source: "newsletter", Medium: "email", Content: "hero-banner",
			URL:     fmt.Sprintf("https://instance-%d.example/offers?utm_campaign=spring-sale", in.n),
			Referer: "https://mail.example.net/", RemoteHost: "mail.example.net", UserAgent: "Mozilla/5.0 (Macintosh)",
			Query: map[string]string{"utm_campaign": "spring-sale", "utm_source": "newsletter"},
			Added: now.Add(-48 * time.Hour)}},
		Points:     10 * (i + 1),
		Stage:      &Stage{ID: int64(1 + i%2), Name: []string{"Prospect", "Customer"}[i%2], Weight: 10 * (1 + i%2)},
		Owner:      &Owner{ID: 1, Username: "admin", FirstName: "Admin", LastName: "User"},
		LastActive: now.Add(-time.Duration(i+1) * time.Hour),
	})
	in.AddNote(id, Note{Text: fmt.Sprintf("<p>Called about order #%d; prefers email.</p>", 1000+id), Type: "call",
		DateTime: now.Add(-72 * time.Hour)})
	in.AddDevice(id, Device{Type: "desktop", OSName: "Mac", OSShortName: "MAC", OSVersion: "14.4", OSPlatform: "x64",
		ClientType: "browser", ClientName: "Firefox", ClientVersion: "126.0", Engine: "Gecko"})
	in.AddCompany(id, Company{Name: "Acme Corp", Email: "info@acme.example", City: "Springfield", Country: "United States",
		Website: "https://acme.example", Industry: "Manufacturing", Primary: true})
	in.AddToSegment(id, Segment{Name: "Newsletter subscribers", Alias: "newsletter-subscribers"})
	in.AddToCampaign(id, Campaign{Name: "Welcome series", Segments: []string{"newsletter-subscribers"}})
	in.SeedEvents(id, 25)
}
