package tenantsvc

import (
	"strings"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// FuzzValidateNew checks that whatever validateNew accepts is safe to store
// (the store's own checks agree) and that errors never echo the password.
func FuzzValidateNew(f *testing.F) {
	f.Add("acme-eu", "acme", "https://m.example.com", "api", "pw", "env", "prod", int32(4), int64(30))
	f.Add("A/B", "", "http://u:pw@x?y#z", "a:b", "", "Env", "a b", int32(65), int64(0))
	f.Fuzz(func(t *testing.T, id, customer, url, user, pass, lk, lv string, conc int32, timeoutSec int64) {
		tn := &dsarv1.Tenant{
			TenantId: id, CustomerId: customer, BaseUrl: url,
			BasicAuth: &dsarv1.BasicAuth{Username: user, Password: pass},
			Labels:    map[string]string{lk: lv}, MaxConcurrency: conc,
			CallTimeout: durationpb.New(time.Duration(timeoutSec) * time.Second),
		}
		err := validateNew(tn, false)
		if err != nil {
			if len(pass) >= 4 && strings.Contains(err.Error(), pass) {
				t.Fatalf("error echoes the password: %v", err)
			}
			return
		}
		if validate.TenantID(tn.TenantId) != nil || validate.BaseURL(tn.BaseUrl, false) != nil || pass == "" || user == "" {
			t.Fatalf("accepted an invalid tenant %v", tn)
		}
		if conc != 0 && (conc < 1 || conc > 64) {
			t.Fatalf("accepted concurrency %d", conc)
		}
	})
}

// FuzzUpdateMask checks that mask paths are either known fields or
// rejected, never crash, and never let tenant_id through.
func FuzzUpdateMask(f *testing.F) {
	for _, p := range []string{"displayName", "tenant_id", "basic_auth.password", "labels", "", "\x00"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		sel, err := selected(&dsarv1.UpdateTenantRequest{TenantId: "x", UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{path}}})
		if err != nil {
			return
		}
		if _, ok := maskPaths[path]; !ok || sel["tenantId"] {
			t.Fatalf("accepted mask path %q -> %v", path, sel)
		}
	})
}
