package validate

import (
	"strings"
	"testing"
)

func TestTenantID(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"acme", true}, {"acme-eu-1", true}, {"0", true}, {strings.Repeat("a", 63), true},
		{"", false}, {strings.Repeat("a", 64), false}, {"-acme", false}, {"Acme", false},
		{"acme/eu", false}, {"acme\x00", false}, {"../etc", false}, {"acme.eu", false},
		{"acme_eu", false}, {"acme eu", false}, {"ácme", false}, {"a%2f", false},
	} {
		if err := TenantID(tc.in); (err == nil) != tc.ok {
			t.Errorf("TenantID(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"bob@example.org", "bob@example.org"},
		{"  Bob@Example.ORG\t", "bob@example.org"},
		{"a_b@x.io", "a_b@x.io"},
		{"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
		{"o'brien@xn--bcher-kva.example", "o'brien@xn--bcher-kva.example"},
		{"", ""}, {"bob", ""}, {"@example.org", ""}, {"bob@", ""}, {"bob@@example.org", ""},
		{"bob@example", ""}, {"bob@example.123", ""}, {".bob@example.org", ""}, {"bob.@example.org", ""},
		{"b..ob@example.org", ""}, {"bob@-example.org", ""}, {"bob@example-.org", ""}, {"bob@exa_mple.org", ""},
		{"bob smith@example.org", ""}, {"\"bob\"@example.org", ""}, {"bob@example..org", ""},
		{"bøb@example.org", ""}, {"bob@example.org\x00", ""}, {strings.Repeat("a", 65) + "@example.org", ""},
		{"bob@" + strings.Repeat("a.", 130) + "org", ""}, {"bob%example.org", ""}, {"bob@[127.0.0.1]", ""},
	} {
		got, err := NormalizeEmail(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizeEmail(%q) = %q, want error", tc.in, got)
			} else if tc.in != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.in)) {
				t.Errorf("NormalizeEmail(%q) error echoes the input: %v", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestBaseURL(t *testing.T) {
	for _, tc := range []struct {
		in        string
		allowHTTP bool
		want      string // "" = must fail
	}{
		{"https://mautic.example.com", false, "https://mautic.example.com"},
		{"HTTPS://Mautic.Example.com/", false, "https://mautic.example.com"},
		{"https://m.example.com:8443/mautic/", false, "https://m.example.com:8443/mautic"},
		{"https://10.0.0.1", false, "https://10.0.0.1"},
		{"https://[::1]:8443", false, "https://[::1]:8443"},
		{"http://127.0.0.1:8000/i/1", true, "http://127.0.0.1:8000/i/1"},
		{"http://127.0.0.1:8000/i/1", false, ""},
		{"", false, ""}, {"mautic.example.com", false, ""}, {"ftp://m.example.com", false, ""},
		{"https://user:pw@m.example.com", false, ""}, {"https://user@m.example.com", false, ""},
		{"https://m.example.com?x=1", false, ""}, {"https://m.example.com/?", false, ""},
		{"https://m.example.com#frag", false, ""}, {"https://", false, ""}, {"https:///path", false, ""},
		{"https://m.example.com:0", false, ""}, {"https://m.example.com:99999", false, ""},
		{"https://m.example.com:", false, ""}, {"https://m_x.example.com", false, ""},
		{"https://m.example.com/a b", false, ""}, {"https://m.example.com\\@evil", false, ""},
		{"https:m.example.com", false, ""}, {"https://m.example.com/../x", false, ""},
		{"javascript:alert(1)", true, ""}, {"https://m.example.com/\x00", false, ""},
		{"https://" + strings.Repeat("a", 2050), false, ""},
	} {
		got, err := NormalizeBaseURL(tc.in, tc.allowHTTP)
		if tc.want == "" {
			if err == nil {
				t.Errorf("NormalizeBaseURL(%q) = %q, want error", tc.in, got)
			} else if strings.Contains(err.Error(), "pw") || strings.Contains(err.Error(), "://") && tc.in != "" && strings.Contains(err.Error(), tc.in) {
				t.Errorf("NormalizeBaseURL(%q) error echoes input: %v", tc.in, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		if err := BaseURL(tc.in, tc.allowHTTP); err != nil {
			t.Errorf("BaseURL(%q) = %v", tc.in, err)
		}
	}
}

func TestLabels(t *testing.T) {
	many := map[string]string{}
	for i := 0; i < 65; i++ {
		many[strings.Repeat("k", i%60+1)+string(rune('a'+i%26))+string(rune('a'+i/26))] = "v"
	}
	for _, tc := range []struct {
		name string
		in   map[string]string
		ok   bool
	}{
		{"nil", nil, true},
		{"good", map[string]string{"env": "prod", "region": "eu-west.1", "flag": ""}, true},
		{"empty key", map[string]string{"": "x"}, false},
		{"upper key", map[string]string{"Env": "x"}, false},
		{"bad value", map[string]string{"env": "Prod!"}, false},
		{"slash", map[string]string{"a/b": "x"}, false},
		{"long value", map[string]string{"k": strings.Repeat("v", 64)}, false},
		{"too many", many, false},
	} {
		if err := Labels(tc.in); (err == nil) != tc.ok {
			t.Errorf("%s: Labels = %v, want ok=%v", tc.name, err, tc.ok)
		}
	}
}

func TestLabelSelector(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
		ok   bool
	}{
		{"", nil, true},
		{"env=prod", map[string]string{"env": "prod"}, true},
		{" env = prod , tier=gold ", map[string]string{"env": "prod", "tier": "gold"}, true},
		{"env=prod,env=prod", map[string]string{"env": "prod"}, true},
		{"env", nil, false}, {"env=prod,env=dev", nil, false}, {"=x", nil, false}, {"ENV=x", nil, false},
		{"env=prod,", nil, false},
	} {
		got, err := LabelSelector(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("LabelSelector(%q) err = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if len(got) != len(tc.want) {
			t.Errorf("LabelSelector(%q) = %v, want %v", tc.in, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("LabelSelector(%q)[%q] = %q, want %q", tc.in, k, got[k], v)
			}
		}
	}
}

func TestText(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"Acme EU (prod) – Ä", true}, {"", true}, {"a\nb", false}, {"a\x00", false}, {"\xff", false},
		{strings.Repeat("x", 11), false}, {"\u0085", false},
	} {
		if err := Text(tc.in, 10+len("Acme EU (prod) – Ä")); (err == nil) != tc.ok && tc.in != strings.Repeat("x", 11) {
			t.Errorf("Text(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
	if Text(strings.Repeat("x", 11), 10) == nil {
		t.Error("Text accepted an over-long string")
	}
}

func TestPageToken(t *testing.T) {
	tok := EncodePageToken("tenants", "acme-eu")
	if got, err := DecodePageToken("tenants", tok); err != nil || got != "acme-eu" {
		t.Fatalf("round trip = %q, %v", got, err)
	}
	if got, err := DecodePageToken("tenants", ""); err != nil || got != "" {
		t.Fatalf("empty token = %q, %v", got, err)
	}
	for _, bad := range []string{
		"acme-eu", "!!!", EncodePageToken("apikeys", "acme-eu"), EncodePageToken("tenants", "../x"),
		EncodePageToken("tenants", ""), tok + "=", strings.Repeat("A", 300),
	} {
		if _, err := DecodePageToken("tenants", bad); err == nil {
			t.Errorf("DecodePageToken(%q) accepted", bad)
		}
	}
}
