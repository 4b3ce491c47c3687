package mautictest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzEditBody throws arbitrary bodies at create and edit (tags, ipAddress,
// custom field coercion, edit-merge): every answer must be valid JSON with
// an expected status, and the URL contact must survive an edit.
func FuzzEditBody(f *testing.F) {
	for _, s := range []string{
		`{"email":"b@x.io"}`, `{"tags":["a","-b"],"ipAddress":"192.0.2.1"}`, `{"tags":"x,,-y, z"}`,
		`{"consent":true,"size":"12.5","multi":["a",1,null]}`, `{"consent":"no","size":"abc"}`, `{"email":null}`,
		`{"tags":{"a":1}}`, `[]`, `{`, ``, `{"email":"A@X.IO","points":3}`,
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, body string, patch bool) {
		fl := NewFleet(1)
		in := fl.Instance(1)
		for _, fd := range []Field{{Alias: "consent", Type: "boolean"}, {Alias: "size", Type: "number"},
			{Alias: "multi", Type: "multiselect", Options: []string{"a"}}} {
			if _, err := in.AddField(fd); err != nil {
				t.Fatal(err)
			}
		}
		in.AddContact(map[string]any{"email": "a@x.io", "tags": "keep"})
		in.AddContact(map[string]any{"email": "b@x.io"})
		method, path := http.MethodPost, "/i/1/api/contacts/new"
		if patch {
			method, path = http.MethodPatch, "/i/1/api/contacts/1/edit"
		}
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("api", BasicPassword(1))
		rec := httptest.NewRecorder()
		fl.ServeHTTP(rec, req)
		switch rec.Code {
		case 200, 201, 400:
		default:
			t.Fatalf("status %d", rec.Code)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON: %s", rec.Body.String())
		}
		if patch && !in.HasContact(1) {
			t.Fatal("the URL contact of an edit was deleted")
		}
	})
}
