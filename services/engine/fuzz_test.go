package engine

import (
	"strings"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// FuzzCheckCreate: the create validator never panics, never echoes the
// subject email or a field value in its errors, and whatever it accepts is
// normalised.
func FuzzCheckCreate(f *testing.F) {
	f.Add("bob@example.org", int32(2), "t1", "", int32(0), "firstname", "Bob", "key")
	f.Add(" Bob@Example.ORG ", int32(3), "t1,t2", "", int32(0), "email", "new@example.org", "")
	f.Add("a_b@x.io", int32(1), "", "acme", int32(2), "", "", "k\x00")
	f.Add("not-an-email", int32(9), "A,A", "x y", int32(7), "First Name", "\x01", strings.Repeat("k", 200))
	f.Fuzz(func(t *testing.T, email string, typ int32, ids, customer string, mode int32, alias, value, key string) {
		in := &dsarv1.CreateRequestRequest{
			IdempotencyKey: key, Type: dsarv1.RequestType(typ), Subject: &dsarv1.Subject{Email: email},
			Target: &dsarv1.Target{CustomerId: customer}, ErasureMode: dsarv1.ErasureMode(mode),
		}
		if ids != "" {
			in.Target.TenantIds = strings.Split(ids, ",")
		}
		if alias != "" {
			in.Rectification = &dsarv1.Rectification{Fields: map[string]string{alias: value}}
		}
		ci, err := checkCreate(in)
		if err != nil {
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindInvalidArgument || len(e.Violations) == 0 {
				t.Fatalf("not a field-violation error: %v", err)
			}
			for _, s := range []string{email, value} {
				if len(s) >= 6 && strings.Contains(s, "@") && strings.Contains(err.Error(), s) {
					t.Fatalf("error echoes input %q: %v", s, err)
				}
			}
			return
		}
		if ci.email == "" || ci.email != strings.ToLower(strings.TrimSpace(ci.email)) {
			t.Fatalf("accepted email not normalised: %q", ci.email)
		}
	})
}
