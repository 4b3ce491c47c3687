package validate

import (
	"net/url"
	"strings"
	"testing"
)

func FuzzTenantID(f *testing.F) {
	for _, s := range []string{"acme", "acme-eu", "-x", "A", "a/b", "a\x00", strings.Repeat("z", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if TenantID(s) != nil {
			return
		}
		if len(s) == 0 || len(s) > 63 || strings.ContainsAny(s, "/.\x00 _%") || s[0] == '-' || strings.ToLower(s) != s {
			t.Fatalf("TenantID accepted %q", s)
		}
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"bob@example.org", " Bob@Example.org ", "a_b@x.io", "bob@example.org.uk", "x@y", "\"q\"@x.io", "a@b@c.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			if len(s) > 3 && strings.Contains(err.Error(), s) {
				t.Fatalf("error echoes input: %v", err)
			}
			return
		}
		if got != strings.ToLower(got) || strings.TrimSpace(got) != got || strings.Count(got, "@") != 1 {
			t.Fatalf("NormalizeEmail(%q) = %q: not normalized", s, got)
		}
		again, err := NormalizeEmail(got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
		if !strings.EqualFold(strings.TrimSpace(s), got) {
			t.Fatalf("NormalizeEmail(%q) = %q changed more than case and spaces", s, got)
		}
	})
}

func FuzzBaseURL(f *testing.F) {
	for _, s := range []string{"https://m.example.com", "http://127.0.0.1:8000/i/1", "https://u:p@h", "https://h?q", "https://h#f", "https://[::1]:1/x/"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, allowHTTP bool) {
		got, err := NormalizeBaseURL(s, allowHTTP)
		if err != nil {
			if len(s) > 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("error echoes input: %v", err)
			}
			return
		}
		u, perr := url.Parse(got)
		if perr != nil {
			t.Fatalf("normalized %q to unparsable %q: %v", s, got, perr)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Hostname() == "" {
			t.Fatalf("accepted %q -> %q with userinfo/query/fragment/no host", s, got)
		}
		if u.Scheme != "https" && !(allowHTTP && u.Scheme == "http") {
			t.Fatalf("accepted scheme %q (allowHTTP=%v)", u.Scheme, allowHTTP)
		}
		if again, err := NormalizeBaseURL(got, allowHTTP); err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, got, again, err)
		}
	})
}

func FuzzLabels(f *testing.F) {
	f.Add("env", "prod")
	f.Add("", "x")
	f.Add("a/b", "Ü")
	f.Fuzz(func(t *testing.T, k, v string) {
		if Labels(map[string]string{k: v}) != nil {
			return
		}
		if !labelText(k) || (v != "" && !labelText(v)) {
			t.Fatalf("Labels accepted %q=%q", k, v)
		}
	})
}

func FuzzLabelSelector(f *testing.F) {
	for _, s := range []string{"", "env=prod", "a=b,c=d", "a", "=", ",,", "a=b,a=c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := LabelSelector(s)
		if err != nil {
			return
		}
		if Labels(m) != nil {
			t.Fatalf("LabelSelector(%q) returned invalid labels %v", s, m)
		}
	})
}

func FuzzDecodePageToken(f *testing.F) {
	for _, s := range []string{"", EncodePageToken("tenants", "acme"), "djE6dGVuYW50czo", "%%%", EncodePageToken("tenants", "A/B")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		id, err := DecodePageToken("tenants", tok)
		if err != nil || tok == "" {
			return
		}
		if TenantID(id) != nil {
			t.Fatalf("decoded invalid id %q from %q", id, tok)
		}
		if again, err := DecodePageToken("tenants", EncodePageToken("tenants", id)); err != nil || again != id {
			t.Fatalf("re-encode of %q gives %q, %v", id, again, err)
		}
	})
}
