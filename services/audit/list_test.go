package audit

import (
	"context"
	"errors"
	"testing"

	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

func TestListFilterAndPaging(t *testing.T) {
	l := New(openStore(t))
	appendN(t, l, 24) // request r(i%3), tenant t(i%2), customer c(i%4)
	tests := []struct {
		name     string
		f        Filter
		pageSize int
		want     int
	}{
		{"all", Filter{}, 5, 24},
		{"all default page", Filter{}, 0, 24},
		{"request", Filter{RequestID: "r1"}, 3, 8},
		{"tenant", Filter{TenantID: "t0"}, 4, 12},
		{"customer", Filter{CustomerID: "c2"}, 1, 6},
		{"request and tenant", Filter{RequestID: "r0", TenantID: "t1"}, 2, 4},
		{"customer and tenant mismatch", Filter{CustomerID: "c1", TenantID: "t0"}, 10, 0},
		{"none", Filter{RequestID: "nope"}, 10, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var all []int64
			tok := ""
			for pages := 0; ; pages++ {
				if pages > 30 {
					t.Fatal("too many pages")
				}
				evs, next, err := l.List(context.Background(), tc.f, tc.pageSize, tok)
				if err != nil {
					t.Fatal(err)
				}
				if tc.pageSize > 0 && len(evs) > tc.pageSize {
					t.Fatalf("page of %d > %d", len(evs), tc.pageSize)
				}
				for _, ev := range evs {
					if !tc.f.Match(ev) {
						t.Fatalf("event %d does not match the filter", ev.GetSequence())
					}
					all = append(all, ev.GetSequence())
				}
				if next == "" {
					break
				}
				if len(evs) == 0 {
					t.Fatal("empty page with a next token")
				}
				tok = next
			}
			if len(all) != tc.want {
				t.Fatalf("got %d events, want %d", len(all), tc.want)
			}
			for i := 1; i < len(all); i++ {
				if all[i] <= all[i-1] {
					t.Fatalf("not oldest first: %v", all)
				}
			}
		})
	}
}

func TestListBadToken(t *testing.T) {
	l := New(openStore(t))
	for _, tok := range []string{"garbage!", validate.EncodePageToken("tenants", "5"), validate.EncodePageToken("audit", "abc")} {
		if _, _, err := l.List(context.Background(), Filter{}, 10, tok); !errors.Is(err, ErrBadPageToken) {
			t.Fatalf("token %q: %v", tok, err)
		}
	}
}

func FuzzListPageToken(f *testing.F) {
	l := New(openStore(f))
	for _, s := range []string{"", "x", validate.EncodePageToken("audit", "3"), validate.EncodePageToken("audit", "-1"), validate.EncodePageToken("audit", "99999999999999999999")} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		_, _, err := l.List(context.Background(), Filter{}, 10, tok)
		if err != nil && !errors.Is(err, ErrBadPageToken) {
			t.Fatalf("unexpected error %v", err)
		}
	})
}
