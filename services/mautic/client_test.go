package mautic_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestFindByEmailExact(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	in.Seed(3) // bob@example.org, bob@example.org.uk, a_b@x.io, axb@x.io + 3 samples
	dup := in.AddContact(map[string]any{"email": "BOB@example.ORG", "firstname": "Dup"})
	ids := map[string]int64{}
	for _, id := range in.ContactIDs() {
		ids[in.ContactEmail(id)] = id
	}
	cn := e.basic(1)
	tests := []struct {
		query string
		want  []int64
	}{
		{"bob@example.org", []int64{ids["bob@example.org"], dup}},
		{"Bob@Example.org", []int64{ids["bob@example.org"], dup}},
		{"  bob@example.org ", []int64{ids["bob@example.org"], dup}},
		{"bob@example.org.uk", []int64{ids["bob@example.org.uk"]}},
		{"a_b@x.io", []int64{ids["a_b@x.io"]}},
		{"axb@x.io", []int64{ids["axb@x.io"]}},
		{"a%b@x.io", nil},
		{"bob", nil},
		{"nobody@example.net", nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, err := cn.FindByEmail(t.Context(), tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var gotIDs []int64
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
				if len(c.Raw) == 0 || c.DateAdded.IsZero() || c.Fields["email"] == nil {
					t.Errorf("contact %d incompletely decoded", c.ID)
				}
				if _, has := c.Fields["id"]; has {
					t.Errorf("Fields must not hold id")
				}
			}
			if !slices.Equal(gotIDs, tc.want) {
				t.Errorf("ids %v, want %v", gotIDs, tc.want)
			}
		})
	}
}

func TestFindByEmailPlusAndPaging(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	var want []int64
	for range 250 { // three pages of 100
		want = append(want, in.AddContact(map[string]any{"email": "alice.test+1@example.com"}))
	}
	in.AddContact(map[string]any{"email": "alice.test 1@example.com"}) // sanitized to alice.test1@
	got, err := e.basic(1).FindByEmail(t.Context(), "alice.test+1@example.com")
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range got {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(ids, want) {
		t.Fatalf("got %d contacts, want %d", len(ids), len(want))
	}
}

func TestContactLifecycle(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "carol@example.com", "firstname": "Carol"})
	cn := e.basic(1)
	ctx := t.Context()

	c, err := cn.GetContact(ctx, id)
	if err != nil || c.ID != id || c.Email != "carol@example.com" || c.Fields["firstname"] != "Carol" {
		t.Fatalf("GetContact = %+v, %v", c, err)
	}
	c, err = cn.EditContact(ctx, id, map[string]any{"firstname": "Caroline", "city": "Oslo"})
	if err != nil || c.Fields["firstname"] != "Caroline" || c.DateModified.IsZero() {
		t.Fatalf("EditContact = %+v, %v", c, err)
	}
	if _, err := cn.EditContact(ctx, 9999, map[string]any{"firstname": "x"}); !errors.Is(err, mautic.ErrNotFound) {
		t.Fatalf("edit unknown: %v", err)
	}
	if err := cn.AddDNC(ctx, id, "email", 1, "user asked"); err != nil {
		t.Fatal(err)
	}
	if err := cn.AddDNC(ctx, id, "email", 3, "again"); err != nil || in.DNC(id, "email") != 1 {
		t.Fatalf("second AddDNC: %v, reason %d (must stay 1)", err, in.DNC(id, "email"))
	}
	if err := cn.RemoveDNC(ctx, id, "email"); err != nil || in.DNC(id, "email") != 0 {
		t.Fatalf("RemoveDNC: %v", err)
	}
	if err := cn.RemoveDNC(ctx, id, "email"); err != nil {
		t.Fatalf("RemoveDNC without entry: %v", err)
	}
	if err := cn.AddDNC(ctx, id, "../x", 3, ""); err == nil {
		t.Fatal("bad channel accepted")
	}
	for _, name := range []string{"notes", "devices", "companies", "segments", "campaigns"} {
		raw, err := cn.SubResource(ctx, id, name)
		if err != nil || !json.Valid(raw) {
			t.Fatalf("SubResource(%s): %v", name, err)
		}
	}
	if _, err := cn.SubResource(ctx, id, "secrets"); err == nil {
		t.Fatal("unknown sub-resource accepted")
	}
	if err := cn.DeleteContact(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := cn.DeleteContact(ctx, id); !errors.Is(err, mautic.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := cn.GetContact(ctx, id); !errors.Is(err, mautic.ErrNotFound) || mautic.IsTransient(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if n := in.DeleteCount(id); n != 1 {
		t.Fatalf("DeleteCount = %d", n)
	}
}

func TestFieldsAndPing(t *testing.T) {
	e := newEnv(t, 1)
	cn := e.basic(1)
	fields, err := cn.ContactFields(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) != 28 || fields[5].Alias != "email" || fields[5].Group != "core" || fields[5].Type != "email" {
		t.Fatalf("fields = %d %+v", len(fields), fields)
	}
	v, err := cn.Ping(t.Context())
	if err != nil || v != "5.1.0" {
		t.Fatalf("Ping = %q, %v", v, err)
	}
}
