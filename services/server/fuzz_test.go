package server

import (
	"strings"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// FuzzDecodeErrors feeds arbitrary bodies to the gateway's decoder: an
// error message must never echo body content (here: the '@' of an email or
// a long run of the body).
func FuzzDecodeErrors(f *testing.F) {
	for _, s := range []string{
		`{"subject":{"email":"bob@example.org"}}`,
		`{"subject":"bob@example.org"}`,
		`{"bob@example.org":1}`,
		`{"type":"bob@example.org"}`,
		`{"type":1e999}`,
		`bob@example.org`,
		`{"subject":{"email":["bob@example.org"]}}`,
		`{"target":{"tenantIds":"bob@example.org"}}`,
		`{"idempotencyKey":"a`,
		`[1,2,"x@y"]`,
	} {
		f.Add([]byte(s))
	}
	m := newMarshaler(DefaultMaxBodyBytes)
	f.Fuzz(func(t *testing.T, body []byte) {
		err := m.NewDecoder(strings.NewReader(string(body))).Decode(&dsarv1.CreateRequestRequest{})
		if err == nil {
			return
		}
		msg := err.Error()
		if strings.Contains(msg, "@") {
			t.Fatalf("message echoes the body: %q", msg)
		}
		if len(msg) > 200 {
			t.Fatalf("message too long: %q", msg)
		}
	})
}

func TestDecodeErrorMessage(t *testing.T) {
	m := newMarshaler(DefaultMaxBodyBytes)
	for body, want := range map[string]string{
		`{"type":"NOPE"}`:         "invalid JSON body (line 1:9): invalid value for enum field type",
		`{"nope":1}`:              `invalid JSON body (line 1:2): unknown field "nope"`,
		`{"a@b.c":1}`:             "invalid JSON body (line 1:2): unknown field",
		`{`:                       "invalid JSON body",
		`{"subject":{"email":5}}`: "invalid JSON body (line 1:21): invalid value for string field email",
	} {
		err := m.NewDecoder(strings.NewReader(body)).Decode(&dsarv1.CreateRequestRequest{})
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v, want %q", body, err, want)
		}
	}
}
