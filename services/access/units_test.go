package access

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestNormalizeList(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "[]"},
		{"null", "[]"},
		{"[]", "[]"},
		{`[{"id":1}]`, `[{"id":1}]`},
		{"{}", "[]"},
		{`{"10":{"id":10},"9":{"id":9}}`, `[{"id":9},{"id":10}]`},
		{`{"b":{"tag":"b"},"a":{"tag":"a"}}`, `[{"tag":"a"},{"tag":"b"}]`},
		{`"x"`, `["x"]`},
		{`{bad`, `[{bad]`},
	}
	for _, tc := range tests {
		if got := string(normalizeList(json.RawMessage(tc.in))); got != tc.want {
			t.Errorf("normalizeList(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestCells(t *testing.T) {
	tests := []struct{ in, want string }{
		{`null`, ""},
		{`"plain"`, "plain"},
		{`"=HYPERLINK(\"x\")"`, `'=HYPERLINK("x")`},
		{`"+31 20 123"`, "'+31 20 123"},
		{`"-12.5"`, "-12.5"},
		{`"@me"`, "'@me"},
		{`42`, "42"},
		{`true`, "true"},
		{`["a","b"]`, `["a","b"]`},
	}
	for _, tc := range tests {
		if got := cellValue(json.RawMessage(tc.in)); got != tc.want {
			t.Errorf("cellValue(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestContactDocFallbacks(t *testing.T) {
	// A contact object without fields.all: values come from Contact.Fields,
	// unknown aliases are kept after the defined ones.
	c := mautic.Contact{ID: 5, Raw: json.RawMessage(`{"id":5,"tags":{"x":{"tag":"x"}}}`), Fields: map[string]any{"email": "a@b.c", "zz_custom": 3.0}}
	d := newContactDoc(c, []mautic.Field{{Alias: "email", Label: "Email"}, {Alias: "phone", Label: "Phone"}})
	if len(d.Fields) != 3 || d.Fields[0].Alias != "email" || string(d.Fields[0].Value) != `"a@b.c"` ||
		string(d.Fields[1].Value) != "null" || d.Fields[2].Alias != "zz_custom" || string(d.Tags) != `[{"tag":"x"}]` {
		t.Fatalf("doc %+v", d)
	}
	tests := []struct{ name, body, want string }{
		{"segments", `{"total":1,"lists":{"3":{"id":3}}}`, `[{"id":3}]`},
		{"notes", `{"total":0,"notes":[]}`, `[]`},
		{"devices", `{"total":0}`, `[]`},
		{"campaigns", `{"weird":1,"total":1}`, `[{"weird":1,"total":1}]`},
		{"companies", ``, `[]`},
	}
	for _, tc := range tests {
		d.setSubResource(tc.name, json.RawMessage(tc.body))
		got := map[string]json.RawMessage{"segments": d.Segments, "notes": d.Notes, "devices": d.Devices, "campaigns": d.Campaigns, "companies": d.Companies}[tc.name]
		if string(got) != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	if _, err := json.Marshal(d); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptPartIsAFailedTenant(t *testing.T) {
	e := newEnv(t, 2)
	ctx := context.Background()
	collectOne(t, e, "rcorrupt", "t-one", 1)
	collectOne(t, e, "rcorrupt", "t-two", 2)
	path := e.p.partPath("rcorrupt", "t-two")
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, b[:len(b)-20], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := e.p.Build(ctx, accessRequest("rcorrupt", succeeded("t-one"), succeeded("t-two"), succeeded("t-three"))); err != nil {
		t.Fatal(err)
	}
	files, _ := readPackage(t, e.p, "rcorrupt")
	var m manifest
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"t-one": StatusFound, "t-two": StatusFailed, "t-three": StatusFailed}
	for _, te := range m.Tenants {
		if te.Status != want[te.TenantID] {
			t.Errorf("%s: %s (%s)", te.TenantID, te.Status, te.Reason)
		}
	}
	if len(m.Tenants) != 3 {
		t.Fatalf("tenants %v", m.Tenants)
	}
	if _, ok := files["tenants/t-two/data.json"]; ok {
		t.Fatal("corrupt part exported")
	}
}

func TestBuildRejects(t *testing.T) {
	e := newEnv(t, 1)
	tests := []*dsarv1.Request{
		{RequestId: "rx", Type: dsarv1.RequestType_REQUEST_TYPE_ERASURE},
		{RequestId: "../x", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS},
		{RequestId: "rx", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, Tasks: []*dsarv1.Task{{TenantId: "../../etc"}}},
	}
	for _, req := range tests {
		if _, err := e.p.Build(context.Background(), req); err == nil {
			t.Errorf("built %v", req)
		}
	}
	if info, err := e.p.Build(context.Background(), &dsarv1.Request{RequestId: "rdry", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, DryRun: true}); err != nil || info.GetReason() != ReasonDryRun {
		t.Fatalf("dry run: %v %v", info, err)
	}
	if _, err := e.p.Collect(context.Background(), "r/../x", &dsarv1.Tenant{TenantId: "t"}, nil, nil); err == nil {
		t.Fatal("collected with a bad request id")
	}
}
