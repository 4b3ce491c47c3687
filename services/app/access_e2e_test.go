package app_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// TestAccessPackageThroughREST creates an access request over REST, waits
// for it, downloads the zip through the gateway and checks the seeded
// values, every activity event (many pages), both CSVs and the manifest's
// listing of a tenant where the subject was not found.
func TestAccessPackageThroughREST(t *testing.T) {
	fleet := mautictest.NewFleet(2)
	srv := httptest.NewServer(fleet)
	defer srv.Close()
	r := startProduction(t)
	defer r.stop(t)
	for i, id := range []string{"shop-a", "shop-b"} {
		body := `{"tenantId":"` + id + `","customerId":"shop","baseUrl":"` + mautictest.InstanceURL(srv.URL, i+1) +
			`","basicAuth":{"username":"api","password":"` + mautictest.BasicPassword(i+1) + `"},` +
			`"privacyNotice":{"controllerName":"Shop AG","purposes":["newsletter"],"retention":"2 years"}}`
		if code, b := r.call(t, http.MethodPost, "/v1/tenants", body, nil); code != 200 {
			t.Fatalf("create tenant: %d %s", code, b)
		}
	}
	in := fleet.Instance(1)
	if _, err := in.AddField(mautictest.Field{Alias: "shoe_size", Label: "Shoe size", Type: "text", Group: "personal"}); err != nil {
		t.Fatal(err)
	}
	id := in.AddContact(map[string]any{"email": "dora@example.com", "firstname": "Dora", "lastname": "Explorer", "shoe_size": "38"})
	in.SetContactExtras(id, mautictest.Extras{Tags: []string{"vip"}, IPAddresses: []string{"198.51.100.7"}, Points: 17})
	in.AddNote(id, mautictest.Note{Text: "Asked for her data"})
	in.AddToSegment(id, mautictest.Segment{Name: "Explorers", Alias: "explorers"})
	in.SeedEvents(id, 2000) // hundreds per event type: several activity pages
	in.AddContact(map[string]any{"email": "dora@example.com.au", "firstname": "Other"})
	wantEvents := in.EventCount(id)

	var created request
	body := `{"type":"REQUEST_TYPE_ACCESS","subject":{"email":"Dora@Example.com"},"target":{"customerId":"shop"}}`
	if code, b := r.call(t, http.MethodPost, "/v1/requests", body, &created); code != 200 {
		t.Fatalf("create: %d %s", code, b)
	}
	req := r.await(t, created.RequestID)
	if req.State != "REQUEST_STATE_SUCCEEDED" || taskOf(t, req, "shop-b").State != "TASK_STATE_NOT_FOUND" {
		t.Fatalf("request %+v", req)
	}
	files := r.packageFiles(t, created.RequestID)

	var doc struct {
		Contacts []struct {
			ID     int64 `json:"id"`
			Fields []struct {
				Alias, Label string
				Value        any
			} `json:"fields"`
			Tags     []map[string]any  `json:"tags"`
			Notes    []map[string]any  `json:"notes"`
			Segments []map[string]any  `json:"segments"`
			IPs      []json.RawMessage `json:"ipAddresses"`
			Points   any               `json:"points"`
			Activity []struct {
				EventID json.RawMessage `json:"eventId"`
			} `json:"activity"`
		} `json:"contacts"`
	}
	if err := json.Unmarshal(files["tenants/shop-a/data.json"], &doc); err != nil {
		t.Fatalf("data.json: %v", err)
	}
	if len(doc.Contacts) != 1 || doc.Contacts[0].ID != id {
		t.Fatalf("contacts %+v, want exactly contact %d (not the .au lookalike)", len(doc.Contacts), id)
	}
	c := doc.Contacts[0]
	fields := map[string]any{}
	labels := map[string]string{}
	for _, f := range c.Fields {
		fields[f.Alias], labels[f.Alias] = f.Value, f.Label
	}
	if fields["email"] != "dora@example.com" || fields["firstname"] != "Dora" || fields["shoe_size"] != "38" || labels["shoe_size"] != "Shoe size" {
		t.Errorf("fields %v labels %v", fields, labels)
	}
	raw, _ := json.Marshal(c)
	for _, want := range []string{"vip", "Asked for her data", "Explorers", "198.51.100.7"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("data.json lacks %q", want)
		}
	}
	seen := map[string]bool{}
	for _, ev := range c.Activity {
		seen[string(ev.EventID)] = true
	}
	if len(c.Activity) != wantEvents || len(seen) != wantEvents {
		t.Errorf("%d events (%d distinct), want %d", len(c.Activity), len(seen), wantEvents)
	}
	hist, err := csv.NewReader(bytes.NewReader(files["tenants/shop-a/activity.csv"])).ReadAll()
	if err != nil || len(hist) != wantEvents+1 {
		t.Errorf("activity.csv: %d rows (%v), want %d plus a header", len(hist), err, wantEvents)
	}
	profile, err := csv.NewReader(bytes.NewReader(files["tenants/shop-a/contact.csv"])).ReadAll()
	if err != nil || !strings.Contains(strings.Join(flatten(profile), "|"), "email|dora@example.com") {
		t.Errorf("contact.csv lacks the email row: %v %v", err, profile)
	}
	manifest := string(files["manifest.json"])
	for _, want := range []string{"shop-b", "Shop AG", "2 years"} {
		if !strings.Contains(manifest, want) {
			t.Errorf("manifest lacks %q", want)
		}
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// packageFiles downloads the access package through the REST gateway,
// waiting until it is available, and returns its files by name.
func (r *running) packageFiles(t *testing.T, id string) map[string][]byte {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		req, _ := http.NewRequest(http.MethodGet, "http://"+r.addrs.HTTP+"/v1/requests/"+id+"/package", nil)
		req.Header.Set("Authorization", "Bearer "+r.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode == 200 {
			if ct := resp.Header.Get("Content-Type"); ct != "application/zip" {
				t.Fatalf("content type %q", ct)
			}
			return unzip(t, b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("download: %d %s", resp.StatusCode, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// unzip returns a zip's files by name.
func unzip(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("package is not a zip: %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name], err = io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return files
}

// TestAccessUnderFaultsThroughREST is the contract's fault invariant for
// access requests: at a 30 % fault rate (5xx and 429 with Retry-After) on
// every instance, an access request still ends SUCCEEDED with every event.
func TestAccessUnderFaultsThroughREST(t *testing.T) {
	const tenants = 6
	fleet := mautictest.NewFleet(tenants)
	srv := httptest.NewServer(fleet)
	defer srv.Close()
	r := startProduction(t)
	defer r.stop(t)
	want := 0
	for i := 1; i <= tenants; i++ {
		body := fmt.Sprintf(`{"tenantId":"f%d","customerId":"faulty","baseUrl":%q,"basicAuth":{"username":"api","password":%q}}`,
			i, mautictest.InstanceURL(srv.URL, i), mautictest.BasicPassword(i))
		if code, b := r.call(t, http.MethodPost, "/v1/tenants", body, nil); code != 200 {
			t.Fatalf("create tenant: %d %s", code, b)
		}
		in := fleet.Instance(i)
		id := in.AddContact(map[string]any{"email": "eve@example.net", "firstname": "Eve"})
		in.AddNote(id, mautictest.Note{Text: "note"})
		in.SeedEvents(id, 400)
		want += in.EventCount(id)
		in.SetFaults(mautictest.Faults{FaultRate: 0.2, RateLimitRate: 0.1, RetryAfter: 200 * time.Millisecond, Seed: int64(i)})
	}
	var created request
	body := `{"type":"REQUEST_TYPE_ACCESS","subject":{"email":"eve@example.net"},"target":{"customerId":"faulty"}}`
	if code, b := r.call(t, http.MethodPost, "/v1/requests", body, &created); code != 200 {
		t.Fatalf("create: %d %s", code, b)
	}
	req := r.await(t, created.RequestID)
	if req.State != "REQUEST_STATE_SUCCEEDED" {
		t.Fatalf("state %s under faults: %+v", req.State, req)
	}
	for i := 1; i <= tenants; i++ {
		fleet.Instance(i).SetFaults(mautictest.Faults{})
	}
	rows := 0
	for name, b := range r.packageFiles(t, created.RequestID) {
		if strings.HasSuffix(name, "/activity.csv") {
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			rows += len(recs) - 1
		}
	}
	if rows != want {
		t.Fatalf("%d events in the package, want %d", rows, want)
	}
}
