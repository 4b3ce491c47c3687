package mautic_test

import (
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestSameEmail(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"bob@example.org", "bob@example.org", true},
		{"Bob@Example.ORG", "bob@example.org", true},
		{"  bob@example.org ", "bob@example.org", true},
		{"bob@example.org.uk", "bob@example.org", false},
		{"a_b@x.io", "axb@x.io", false},
		{"\u212aelly@x.io", "kelly@x.io", false},  // Kelvin sign
		{"ba\u017f@x.io", "bas@x.io", false},      // long s
		{"b\u00f6b@x.io", "B\u00d6B@x.io", false}, // non-ASCII compared byte for byte
		{"", "", true},
	}
	for _, tc := range tests {
		if got := mautic.SameEmail(tc.a, tc.b); got != tc.want {
			t.Errorf("SameEmail(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func FuzzSameEmail(f *testing.F) {
	f.Add("Bob@Example.org", "bob@example.org")
	f.Add("\u212aelly@x.io", "kelly@x.io")
	f.Fuzz(func(t *testing.T, a, b string) {
		if mautic.SameEmail(a, b) != mautic.SameEmail(b, a) {
			t.Fatal("not symmetric")
		}
		if !mautic.SameEmail(a, a) {
			t.Fatal("not reflexive")
		}
	})
}
