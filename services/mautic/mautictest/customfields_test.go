package mautictest

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestAddFieldValidation(t *testing.T) {
	tests := []struct {
		name string
		f    Field
		ok   bool
	}{
		{"text defaults", Field{Alias: "nickname"}, true},
		{"every group", Field{Alias: "hobby", Type: "textarea", Group: "personal"}, true},
		{"bad alias", Field{Alias: "Nick Name"}, false},
		{"alias taken by a default", Field{Alias: "email"}, false},
		{"bad type", Field{Alias: "x1", Type: "blob"}, false},
		{"bad group", Field{Alias: "x2", Group: "secret"}, false},
	}
	in := NewFleet(1).Instance(1)
	next := 29
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := in.AddField(tc.f)
			if (err == nil) != tc.ok {
				t.Fatalf("err = %v", err)
			}
			if tc.ok {
				if id != next {
					t.Fatalf("id %d, want %d", id, next)
				}
				next++
			}
		})
	}
	if _, err := in.AddField(Field{Alias: "nickname"}); err == nil {
		t.Fatal("a custom alias twice")
	}
}

// TestCustomFieldsEverywhere checks custom fields in the fields list, in
// each contact view, through create/PATCH/PUT and as search/where columns.
func TestCustomFieldsEverywhere(t *testing.T) {
	h := newHarness(t)
	in := h.f.Instance(1)
	for _, f := range []Field{
		{Alias: "consent", Label: "GDPR consent", Type: "boolean", Group: "personal"},
		{Alias: "shoe_size", Label: "Shoe size", Type: "number", Group: "personal"},
		{Alias: "skills", Label: "Skills", Type: "multiselect", Group: "professional", Options: []string{"go", "sql"}},
		{Alias: "mastodon", Label: "Mastodon", Group: "social"},
	} {
		if _, err := in.AddField(f); err != nil {
			t.Fatal(err)
		}
	}
	id := in.AddContact(map[string]any{"email": "c@x.io", "consent": true, "shoe_size": 43, "skills": []any{"go", "sql"}, "mastodon": "@c@x.social"})
	_ = id
	tests := []struct {
		name, method, path, body string
		status                   int
		contains                 []string
	}{
		{"fields list", "GET", "/api/fields/contact?start=28", "", 200, []string{`{"total":32,"fields":{"29":{`,
			`"id":29,"label":"GDPR consent","alias":"consent","type":"boolean","group":"personal","order":29,"object":"lead"`,
			`"isFixed":false`, `"properties":{"no":"No","yes":"Yes"}}`,
			`"properties":{"list":[{"label":"go","value":"go"},{"label":"sql","value":"sql"}]}}`}},
		{"get", "GET", "/api/contacts/1", "", 200, []string{
			`"personal":{"consent":{"id":"29","label":"GDPR consent","alias":"consent","type":"boolean","group":"personal","object":"lead","is_fixed":"0","properties":"a:2:{s:2:\"no\";s:2:\"No\";s:3:\"yes\";s:3:\"Yes\";}","default_value":null,"value":"1","normalizedValue":"Yes"},"shoe_size":{`,
			`"value":43,"normalizedValue":43}`,
			`"professional":{"skills":{"id":"31"`, `"value":"go|sql","normalizedValue":"go|sql"}`,
			`"twitter":{"id":"28"`, `"mastodon":{"id":"32","label":"Mastodon","alias":"mastodon","type":"text","group":"social"`,
			`"twitter":null,"consent":"1","shoe_size":43,"skills":"go|sql","mastodon":"@c@x.social"}`}},
		{"list puts custom columns last", "GET", "/api/contacts?search=email:c@x.io", "", 200, []string{`"twitter":null,"consent":"1","shoe_size":43,"skills":"go|sql","mastodon":"@c@x.social"}`}},
		{"search a custom column", "GET", "/api/contacts?search=mastodon:@c", "", 200, []string{`"total":"1"`}},
		{"where on a custom column", "GET", "/api/contacts?where%5B0%5D%5Bcol%5D=shoe_size&where%5B0%5D%5Bexpr%5D=eq&where%5B0%5D%5Bval%5D=43", "", 200, []string{`"total":"1"`}},
		{"create view", "POST", "/api/contacts/new", `{"email":"new@x.io","consent":false}`, 201, []string{
			`"consent":{"id":29,"group":"personal","label":"GDPR consent","alias":"consent","type":"boolean","properties":{"no":"No","yes":"Yes"},"value":"0","normalizedValue":"No"}`}},
		{"dnc view lists custom values", "POST", "/api/contacts/1/dnc/email/add", "", 200, []string{`"email":"c@x.io","consent":"1","shoe_size":43,"skills":"go|sql","mastodon":"@c@x.social","fields":{`}},
		{"patch sets a custom value", "PATCH", "/api/contacts/1/edit", `{"shoe_size":"44.5","consent":"no"}`, 200, []string{`"shoe_size":44.5,`, `"consent":"0",`}},
		{"put clears absent custom values", "PUT", "/api/contacts/1/edit", `{"email":"c@x.io"}`, 200, []string{`"consent":null,"shoe_size":null,"skills":null,"mastodon":null}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := h.do(t, tc.method, tc.path, tc.body)
			if status != tc.status || !json.Valid([]byte(body)) {
				t.Fatalf("status %d: %s", status, body)
			}
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body lacks\n%s\nin\n%s", c, body)
				}
			}
		})
	}
}
