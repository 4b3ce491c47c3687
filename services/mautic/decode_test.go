package mautic

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFlexInt(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{`"2"`, 2, true}, {`2`, 2, true}, {`1.0`, 1, true}, {`3.2`, 4, true}, {`" 7 "`, 7, true},
		{`null`, 0, false}, {`""`, 0, false}, {`"abc"`, 0, false}, {`{}`, 0, false}, {``, 0, false},
	}
	for _, tc := range tests {
		got, ok := flexInt(json.RawMessage(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("flexInt(%s) = %d,%v want %d,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestDecodeRealShapes decodes every contact-bearing answer captured from a
// live Mautic 5.1.0 (create, GET, list, minimal, DNC, delete).
func TestDecodeRealShapes(t *testing.T) {
	dir := filepath.Join("mautictest", "testdata", "real")
	tests := []struct {
		file  string
		list  bool
		id    int64
		email string
	}{
		{"02-create-alice", false, 1, "alice.test+1@example.com"},
		{"14-get-contact", false, 1, "alice.test+1@example.com"},
		{"18-dnc-add-manual", false, 1, "alice.test+1@example.com"},
		{"22-dnc-remove", false, 3, "bob@example.org.uk"},
		{"27-delete", false, 0, "alice.test+1@example.com"},
		{"06-search-email-prefix-collision", true, 2, "bob@example.org"},
		{"13-search-minimal", true, 2, "bob@example.org"},
		{"01-list-empty", true, -1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tc.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var c *Contact
			if tc.list {
				var body struct{ Contacts json.RawMessage }
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatal(err)
				}
				err = eachMember(body.Contacts, func(m json.RawMessage) error {
					if c == nil {
						cc, err := decodeContact(m)
						c = &cc
						return err
					}
					return nil
				})
			} else {
				c, err = decodeContactBody(b)
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.id < 0 {
				if c != nil {
					t.Fatal("contact in an empty list")
				}
				return
			}
			if c.ID != tc.id || c.Email != tc.email || c.DateAdded.IsZero() {
				t.Fatalf("got id %d email %q added %v", c.ID, c.Email, c.DateAdded)
			}
		})
	}
}

func TestDecodeTolerantShapes(t *testing.T) {
	raw := `{"id":"12","dateAdded":"2024-01-02 03:04:05","lastActive":{"date":"2024-02-03 04:05:06.000000","timezone":"UTC"},
	  "tags":{"vip":{"id":1,"tag":"vip"}},"ipAddresses":{"1.2.3.4":{"ipAddress":"1.2.3.4"}},
	  "fields":{"core":[],"all":{"id":null,"email":"x@y.z","points":3}}}`
	c, err := decodeContact(json.RawMessage(raw))
	if err != nil || c.ID != 12 || c.Email != "x@y.z" || c.DateAdded.IsZero() || c.LastActive.IsZero() || c.Fields["points"] != 3.0 {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := decodeContact(json.RawMessage(`[]`)); err == nil {
		t.Fatal("array accepted as contact")
	}
	ev := decodeEvent(json.RawMessage(`{"event":"page.hit","eventId":42,"eventLabel":{"label":"Home","href":"x"},"timestamp":"2024-01-02T03:04:05+00:00"}`))
	if ev.EventID != "42" || ev.Label != "Home" || ev.Timestamp.IsZero() {
		t.Fatalf("%+v", ev)
	}
}

func TestClassify(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		route  string
		check  func(error) bool
	}{
		{"ok", 200, nil, `{"total":"0","contacts":{}}`, "", func(err error) bool { return err == nil }},
		{"html 200", 200, nil, `<html>login</html>`, "", func(err error) bool { var e *NotMauticError; return errors.As(err, &e) }},
		{"controller 404", 404, nil, `{"errors":[{"code":404,"message":"Item was not found.","details":[]}]}`, "", func(err error) bool { return errors.Is(err, ErrNotFound) }},
		{"route 404", 404, nil, `{"errors":[{"message":"Requested URL not found: \/api\/x","code":404,"type":null}]}`, "", func(err error) bool { var e *NotMauticError; return errors.As(err, &e) }},
		{"plain 404", 404, nil, `not found`, "", func(err error) bool { var e *NotMauticError; return errors.As(err, &e) }},
		{"api disabled", 403, nil, `{"errors":[{"message":"API disabled.","code":403,"type":"api_disabled"}]}`, "", func(err error) bool { return errors.Is(err, ErrAPIDisabled) }},
		{"forbidden", 403, nil, `{"errors":[{"code":403,"message":"You do not have access","details":[]}]}`, "", func(err error) bool { var e *AuthError; return errors.As(err, &e) && e.Status == 403 }},
		{"401", 401, nil, `{"errors":[{"message":"API authorization denied.","code":401,"type":"access_denied"}]}`, "", func(err error) bool { var e *AuthError; return errors.As(err, &e) && e.Type == "access_denied" }},
		{"token 400", 400, nil, `{"errors":[{"message":"The client credentials are invalid","code":400,"type":"invalid_client"}]}`, tokenRoute, func(err error) bool { var e *AuthError; return errors.As(err, &e) }},
		{"dnc 400", 400, nil, `{"errors":[{"code":400,"message":"Invalid reason code given","details":[]}]}`, "", func(err error) bool { var e *RequestError; return errors.As(err, &e) && !IsTransient(err) }},
		{"502 html", 502, nil, `<html>bad gateway</html>`, "", func(err error) bool { var e *ServerError; return errors.As(err, &e) && IsTransient(err) }},
		{"429 seconds", 429, h("Retry-After", "12"), ``, "", func(err error) bool { d, ok := RetryAfter(err); return ok && d == 12*time.Second }},
		{"429 date", 429, h("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat)), ``, "", func(err error) bool { d, ok := RetryAfter(err); return ok && d > 80*time.Second && d <= 90*time.Second }},
		{"429 none", 429, nil, ``, "", func(err error) bool { _, ok := RetryAfter(err); return !ok && IsTransient(err) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hd := tc.header
			if hd == nil {
				hd = http.Header{}
			}
			err := classify(&response{status: tc.status, header: hd, body: []byte(tc.body)}, tc.route)
			if !tc.check(err) {
				t.Fatalf("classify = %T %v", err, err)
			}
		})
	}
}

func FuzzDecodeContact(f *testing.F) {
	for _, s := range []string{`{"id":1,"fields":{"all":{"email":"a@b"}}}`, `{"id":null}`, `{"fields":{"core":{"email":{"alias":"email","value":"x"}}}}`, `[]`, `{"fields":[]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeContact(b)
		if err == nil && c.Fields == nil {
			t.Fatal("nil Fields on success")
		}
	})
}

func FuzzStreamEvents(f *testing.F) {
	for _, s := range []string{`{"events":[{"event":"a","eventId":1}],"maxPages":1.0}`, `{"events":{}}`, `{"events":null}`, `{"maxPages":"3"}`, `{`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, n, err := streamEvents(b, func(Event) error { return nil })
		if err != nil && n < 0 {
			t.Fatal("negative count")
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "5", "-3", "Wed, 21 Oct 2015 07:28:00 GMT", "garbage", "99999999999999999999"} {
		f.Add(s, "")
		f.Add("", s)
	}
	f.Fuzz(func(t *testing.T, ra, reset string) {
		h := http.Header{}
		h.Set("Retry-After", ra)
		h.Set("X-RateLimit-Reset", reset)
		if d := retryAfter(h, time.Now()); d < 0 || d > 2*time.Hour {
			t.Fatalf("retryAfter = %v", d)
		}
	})
}
