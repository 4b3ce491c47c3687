package access

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// eventKey identifies an event across data.json and activity.csv.
func eventKey(contact int64, event, id string) string {
	return fmt.Sprintf("%d|%s|%s", contact, event, strings.Trim(id, `"`))
}

// checkDataJSON checks every seeded value and that every event appears
// exactly once; it returns the event keys.
func checkDataJSON(t *testing.T, b []byte, rich, second int64, richEvents, secondEvents int) map[string]bool {
	t.Helper()
	if !json.Valid(b) {
		t.Fatal("data.json is not valid JSON")
	}
	var d dataDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if d.SchemaVersion != "1" || d.TenantID != "t-one" || len(d.Contacts) != 2 {
		t.Fatalf("data.json head: %q %q %d contacts", d.SchemaVersion, d.TenantID, len(d.Contacts))
	}
	keys := map[string]bool{}
	for _, c := range d.Contacts {
		want := map[int64]int{rich: richEvents, second: secondEvents}[c.ID]
		if len(c.Activity) != want {
			t.Errorf("contact %d: %d events, want %d", c.ID, len(c.Activity), want)
		}
		for _, ev := range c.Activity {
			k := eventKey(c.ID, ev.Event, string(ev.EventID))
			if keys[k] {
				t.Errorf("event %s twice", k)
			}
			keys[k] = true
			if len(ev.Details) == 0 {
				t.Errorf("event %s without details", k)
			}
		}
	}
	c := d.Contacts[0]
	if c.ID != rich {
		t.Fatalf("first contact %d, want %d", c.ID, rich)
	}
	fields := map[string]string{}
	labels := map[string]string{}
	for _, f := range c.Fields {
		fields[f.Alias] = fmt.Sprint(f.Value)
		labels[f.Alias] = f.Label
	}
	for alias, want := range map[string]string{"email": canaryEmail, "firstname": "Zoequartz", "lastname": "Canaryson", "city": "Quartzville", "loyalty_tier": "gold"} {
		if fields[alias] != want {
			t.Errorf("field %s = %q, want %q", alias, fields[alias], want)
		}
	}
	if labels["loyalty_tier"] != "Loyalty tier" || labels["email"] != "Email" {
		t.Errorf("labels: %q %q", labels["loyalty_tier"], labels["email"])
	}
	if _, ok := fields["phone"]; !ok {
		t.Error("empty profile fields are missing")
	}
	checks := []struct {
		name string
		got  any
		want string
	}{
		{"tags", c.Tags, "vip-quartz"},
		{"notes", c.Notes, "Called about quartz order"},
		{"devices", c.Devices, "Ubuntu"},
		{"companies", c.Companies, "Quartz Ltd"},
		{"segments", c.Segments, "Quartz fans"},
		{"campaigns", c.Campaigns, "Quartz welcome"},
		{"doNotContact", c.DoNotContact, "unsubscribed via quartz link"},
		{"ipAddresses", c.IPAddresses, "203.0.113.77"},
		{"stage", c.Stage, "Customer"},
	}
	for _, tc := range checks {
		j, _ := json.Marshal(tc.got)
		if !strings.Contains(string(j), tc.want) {
			t.Errorf("%s = %s, want it to hold %q", tc.name, j, tc.want)
		}
	}
	if fmt.Sprint(c.Points) != "42" {
		t.Errorf("points %v", c.Points)
	}
	if len(c.DoNotContact) != 1 || fmt.Sprint(c.DoNotContact[0]["reason"]) != "1" || c.DoNotContact[0]["channel"] != "email" {
		t.Errorf("doNotContact %v", c.DoNotContact)
	}
	return keys
}

func checkContactCSV(t *testing.T, b []byte, rich, second int64) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "contactId,alias,value" {
		t.Fatalf("header %v", rows[0])
	}
	got := map[string]string{}
	per := map[string]int{}
	for _, r := range rows[1:] {
		got[r[0]+"/"+r[1]] = r[2]
		per[r[0]]++
	}
	r, s := strconv.FormatInt(rich, 10), strconv.FormatInt(second, 10)
	if per[r] != per[s] || per[r] < 30 {
		t.Errorf("rows per contact: %v", per)
	}
	for k, want := range map[string]string{r + "/id": r, r + "/email": canaryEmail, r + "/loyalty_tier": "gold", r + "/city": "Quartzville", s + "/firstname": "Zoequartz", r + "/phone": ""} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("contact.csv %s = %q (present %v), want %q", k, v, ok, want)
		}
	}
}

func checkActivityCSV(t *testing.T, b []byte, keys map[string]bool) {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(activityHeader, ",") {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows)-1 != len(keys) {
		t.Fatalf("activity.csv has %d events, data.json %d", len(rows)-1, len(keys))
	}
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		if r[1] == "" || r[2] == "" || !json.Valid([]byte(r[6])) {
			t.Fatalf("bad row %v", r)
		}
		id, _ := strconv.ParseInt(r[0], 10, 64)
		k := eventKey(id, r[2], r[5])
		if seen[k] {
			t.Fatalf("row %s twice", k)
		}
		seen[k] = true
	}
	for k := range keys {
		if !seen[k] {
			t.Fatalf("event %s of data.json not in activity.csv", k)
		}
	}
}
