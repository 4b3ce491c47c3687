package access

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

const canaryEmail = "zoe.quartz-canary@example.test"

// canaries are subject data that must never be on disk in plain text.
var canaries = []string{canaryEmail, "Zoequartz", "Canaryson", "Quartzville", "Called about quartz order",
	"vip-quartz", "203.0.113.77", "Quartz Ltd", "unsubscribed via quartz link"}

// seedSubject gives instance 1 two contacts with the canary email (one
// rich, with events over many activity pages) and a near-miss contact.
func seedSubject(t *testing.T, in *mautictest.Instance, events int) (rich, second int64) {
	t.Helper()
	if _, err := in.AddField(mautictest.Field{Alias: "loyalty_tier", Label: "Loyalty tier", Type: "select", Group: "personal", Options: []string{"gold", "silver"}}); err != nil {
		t.Fatal(err)
	}
	rich = in.AddContact(map[string]any{"email": canaryEmail, "firstname": "Zoequartz", "lastname": "Canaryson", "city": "Quartzville", "loyalty_tier": "gold"})
	in.SetContactExtras(rich, mautictest.Extras{Tags: []string{"vip-quartz", "newsletter"}, IPAddresses: []string{"203.0.113.77"}, Points: 42,
		Stage: &mautictest.Stage{ID: 2, Name: "Customer", Weight: 10}})
	in.AddDNC(rich, "email", 1, "unsubscribed via quartz link")
	in.AddNote(rich, mautictest.Note{Text: "Called about quartz order"})
	in.AddDevice(rich, mautictest.Device{Type: "desktop", OSName: "Ubuntu"})
	in.AddCompany(rich, mautictest.Company{Name: "Quartz Ltd", City: "Quartzville", Primary: true})
	in.AddToSegment(rich, mautictest.Segment{Name: "Quartz fans", Alias: "quartz-fans"})
	in.AddToCampaign(rich, mautictest.Campaign{Name: "Quartz welcome", Segments: []string{"quartz-fans"}})
	in.SeedEvents(rich, events)
	second = in.AddContact(map[string]any{"email": strings.ToUpper(canaryEmail), "firstname": "Zoequartz"})
	in.SeedEvents(second, 3)
	in.AddContact(map[string]any{"email": canaryEmail + ".uk", "firstname": "Other"})
	return rich, second
}

func accessRequest(id string, tasks ...*dsarv1.Task) *dsarv1.Request {
	return &dsarv1.Request{RequestId: id, Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, SubjectRef: "5ub1ec7ref000000",
		CustomerIds: []string{"acme"}, State: dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED, Tasks: tasks}
}

// dataDoc is data.json as a test reads it.
type dataDoc struct {
	SchemaVersion string `json:"schemaVersion"`
	TenantID      string `json:"tenantId"`
	Contacts      []struct {
		ID     int64 `json:"id"`
		Fields []struct {
			Alias, Label, Group, Type string
			Value                     any
		} `json:"fields"`
		Tags         []map[string]any  `json:"tags"`
		Points       any               `json:"points"`
		Stage        map[string]any    `json:"stage"`
		Notes        []map[string]any  `json:"notes"`
		Devices      []map[string]any  `json:"devices"`
		Companies    []map[string]any  `json:"companies"`
		Segments     []map[string]any  `json:"segments"`
		Campaigns    []map[string]any  `json:"campaigns"`
		DoNotContact []map[string]any  `json:"doNotContact"`
		IPAddresses  []json.RawMessage `json:"ipAddresses"`
		Activity     []struct {
			Event   string          `json:"event"`
			EventID json.RawMessage `json:"eventId"`
			Details json.RawMessage `json:"details"`
		} `json:"activity"`
	} `json:"contacts"`
}

func TestCollectBuildOpen(t *testing.T) {
	e := newEnv(t, 2)
	ctx := context.Background()
	in := e.fleet.Instance(1)
	const events = 1234 // five event types, 100 per type and page: several pages
	rich, second := seedSubject(t, in, events)
	tOne := e.register(t, "t-one", 1, &dsarv1.PrivacyNotice{ControllerName: "Acme GmbH", Purposes: []string{"newsletter"}, Retention: "2 years"})
	e.register(t, "t-two", 2, nil)
	conn := e.conn(1, "t-one")
	contacts, err := conn.FindByEmail(ctx, canaryEmail)
	if err != nil || len(contacts) != 2 {
		t.Fatalf("lookup: %d contacts, %v", len(contacts), err)
	}
	wantEvents := in.EventCount(rich) + in.EventCount(second)
	for range 2 { // idempotent: the retry replaces the part
		stats, err := e.p.Collect(ctx, "rtest1", tOne, conn, contacts)
		if err != nil {
			t.Fatal(err)
		}
		if stats.GetContacts() != 2 || stats.GetEvents() != int64(wantEvents) || stats.GetBytes() == 0 {
			t.Fatalf("stats %v, want 2 contacts and %d events", stats, wantEvents)
		}
	}
	if ents, _ := os.ReadDir(e.p.partDir("rtest1")); len(ents) != 1 {
		t.Fatalf("part dir holds %d files, want 1", len(ents))
	}
	grepDataDir(t, e.store.Dir(), canaries...)

	req := accessRequest("rtest1",
		&dsarv1.Task{TenantId: "t-two", State: dsarv1.TaskState_TASK_STATE_NOT_FOUND, CustomerId: "acme"},
		&dsarv1.Task{TenantId: "t-one", State: dsarv1.TaskState_TASK_STATE_SUCCEEDED, CustomerId: "acme"},
		&dsarv1.Task{TenantId: "t-gone", State: dsarv1.TaskState_TASK_STATE_FAILED, Error: &status.Status{Code: 14, Message: "Mautic unavailable after 5 attempts"}},
	)
	info, err := e.p.Build(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !info.GetAvailable() || info.GetSizeBytes() == 0 || len(info.GetSha256()) != 64 {
		t.Fatalf("info %v", info)
	}
	grepDataDir(t, e.store.Dir(), canaries...)

	files, order := readPackage(t, e.p, "rtest1")
	sum := sha256.New()
	rc, _, _ := e.p.Open(ctx, "rtest1")
	buf := new(bytes.Buffer)
	_, _ = buf.ReadFrom(rc)
	rc.Close()
	sum.Write(buf.Bytes())
	if hex.EncodeToString(sum.Sum(nil)) != info.GetSha256() {
		t.Fatal("zip SHA-256 differs from the recorded one")
	}
	if order[len(order)-1] != "manifest.json" {
		t.Fatalf("order %v", order)
	}
	for _, name := range []string{"tenants/t-one/data.json", "tenants/t-one/contact.csv", "tenants/t-one/activity.csv", "schema/data.schema.json", "summary.txt", "manifest.json"} {
		if _, ok := files[name]; !ok {
			t.Fatalf("package lacks %s (has %v)", name, order)
		}
	}
	for name := range files {
		if strings.HasPrefix(name, "tenants/t-two/") || strings.HasPrefix(name, "tenants/t-gone/") {
			t.Fatalf("files for a tenant without data: %s", name)
		}
	}
	checkManifest(t, files, wantEvents)
	ids := checkDataJSON(t, files["tenants/t-one/data.json"], rich, second, in.EventCount(rich), in.EventCount(second))
	checkContactCSV(t, files["tenants/t-one/contact.csv"], rich, second)
	checkActivityCSV(t, files["tenants/t-one/activity.csv"], ids)
	summary := string(files["summary.txt"])
	for _, want := range []string{"t-one", "2 contact(s)", strconv.Itoa(wantEvents) + " activity event(s)", "t-two", "no data", "t-gone", "FAILED", "Mautic unavailable", info.GetExpireTime().AsTime().UTC().Format("2006-01-02T15:04:05Z")} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	// Build again: same package, one audit event.
	again, err := e.p.Build(ctx, req)
	if err != nil || again.GetSha256() != info.GetSha256() {
		t.Fatalf("rebuild changed the package: %v %v", again, err)
	}
	n := 0
	for _, ty := range auditTypes(t, e.audit, "rtest1") {
		if ty == dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_CREATED {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d PACKAGE_CREATED events, want 1", n)
	}
}

func checkManifest(t *testing.T, files map[string][]byte, wantEvents int) {
	t.Helper()
	var m manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.SchemaVersion != SchemaVersion || m.RequestID != "rtest1" || m.RequestType != "REQUEST_TYPE_ACCESS" || m.ExpiresAt == "" {
		t.Fatalf("manifest head: %+v", m)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		b, ok := files[f.Name]
		h := sha256.Sum256(b)
		if !ok || hex.EncodeToString(h[:]) != f.SHA256 || int64(len(b)) != f.Bytes {
			t.Errorf("manifest entry %s does not match the file", f.Name)
		}
		seen[f.Name] = true
	}
	if len(seen) != len(files)-1 {
		t.Errorf("manifest lists %d files, package has %d besides the manifest", len(seen), len(files)-1)
	}
	byID := map[string]tenantEntry{}
	for _, te := range m.Tenants {
		byID[te.TenantID] = te
	}
	tests := []struct {
		id, status string
		notice     bool
		contacts   int
		events     int64
		files      int
	}{
		{"t-one", StatusFound, true, 2, int64(wantEvents), 3},
		{"t-two", StatusNotFound, false, 0, 0, 0},
		{"t-gone", StatusFailed, false, 0, 0, 0},
	}
	for _, tc := range tests {
		te, ok := byID[tc.id]
		if !ok {
			t.Errorf("manifest lacks tenant %s", tc.id)
			continue
		}
		if te.Status != tc.status || te.PrivacyNoticeConfigured != tc.notice || te.Contacts != tc.contacts || te.Events != tc.events || len(te.Files) != tc.files {
			t.Errorf("tenant %s: %+v", tc.id, te)
		}
		if !tc.notice && te.PrivacyNoticeStatement == "" {
			t.Errorf("tenant %s without notice says nothing about it", tc.id)
		}
		for _, f := range te.Files {
			if !seen[f.Name] {
				t.Errorf("tenant file %s not in the file list", f.Name)
			}
		}
	}
	if !strings.Contains(byID["t-gone"].Reason, "Mautic unavailable") {
		t.Errorf("failed tenant reason %q", byID["t-gone"].Reason)
	}
	if !strings.Contains(string(byID["t-one"].PrivacyNotice), `"newsletter"`) {
		t.Errorf("notice %s", byID["t-one"].PrivacyNotice)
	}
}
