package tenantsvc

import (
	"context"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"google.golang.org/protobuf/proto"
)

func TestRoles(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("acme-eu", "acme"), basic("globex-us", "globex"))
	calls := map[string]func(ctx context.Context) error{
		"create": func(ctx context.Context) error {
			_, err := f.srv.CreateTenant(ctx, &dsarv1.CreateTenantRequest{Tenant: basic("new-one", "acme")})
			return err
		},
		"get own": func(ctx context.Context) error {
			_, err := f.srv.GetTenant(ctx, &dsarv1.GetTenantRequest{TenantId: "acme-eu"})
			return err
		},
		"list": func(ctx context.Context) error {
			_, err := f.srv.ListTenants(ctx, &dsarv1.ListTenantsRequest{})
			return err
		},
		"update": func(ctx context.Context) error {
			_, err := f.srv.UpdateTenant(ctx, &dsarv1.UpdateTenantRequest{TenantId: "acme-eu", DisplayName: proto.String("x")})
			return err
		},
		"verify": func(ctx context.Context) error {
			_, err := f.srv.VerifyTenant(ctx, &dsarv1.VerifyTenantRequest{TenantId: "acme-eu"})
			return err
		},
		"delete": func(ctx context.Context) error {
			_, err := f.srv.DeleteTenant(ctx, &dsarv1.DeleteTenantRequest{TenantId: "acme-eu"})
			return err
		},
	}
	const (
		ok     = errs.Kind(0)
		denied = errs.KindPermissionDenied
		unauth = errs.KindUnauthenticated
	)
	tests := []struct {
		call string
		want map[string]errs.Kind // by caller
	}{
		{"create", map[string]errs.Kind{"anon": unauth, "acme": denied, "aud": denied}},
		{"get own", map[string]errs.Kind{"anon": unauth, "acme": ok, "aud": ok, "op": ok}},
		{"list", map[string]errs.Kind{"anon": unauth, "acme": ok, "aud": ok, "op": ok}},
		{"update", map[string]errs.Kind{"anon": unauth, "acme": denied, "aud": denied, "op": ok}},
		{"verify", map[string]errs.Kind{"anon": unauth, "acme": denied, "aud": denied, "op": ok}},
		{"delete", map[string]errs.Kind{"anon": unauth, "acme": denied, "aud": denied, "op": ok}},
		{"create", map[string]errs.Kind{"op": ok}},
	}
	ctxs := map[string]context.Context{"anon": anonCtx, "acme": acmeCtx, "aud": audCtx, "op": opCtx}
	for _, tc := range tests {
		for _, who := range []string{"anon", "acme", "aud", "op"} {
			want, ok := tc.want[who]
			if !ok {
				continue
			}
			if got := kind(calls[tc.call](ctxs[who])); got != want {
				t.Errorf("%s as %s: kind %d, want %d", tc.call, who, got, want)
			}
		}
	}
	// Auth runs before validation: a denied caller learns nothing about the input.
	_, err := f.srv.CreateTenant(acmeCtx, &dsarv1.CreateTenantRequest{Tenant: &dsarv1.Tenant{TenantId: "BAD/"}})
	if kind(err) != denied {
		t.Errorf("bad input from a customer: kind %d, want PermissionDenied", kind(err))
	}
	_, err = f.srv.GetTenant(anonCtx, &dsarv1.GetTenantRequest{TenantId: "BAD/"})
	if kind(err) != unauth {
		t.Errorf("bad input from nobody: kind %d, want Unauthenticated", kind(err))
	}
}

func TestCrossCustomerIsNotFound(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("acme-eu", "acme"), basic("acme-us", "acme"), basic("globex-us", "globex"))

	_, errOther := f.srv.GetTenant(acmeCtx, &dsarv1.GetTenantRequest{TenantId: "globex-us"})
	_, errMissing := f.srv.GetTenant(acmeCtx, &dsarv1.GetTenantRequest{TenantId: "globex-xx"})
	eo, _ := errs.As(errOther)
	em, _ := errs.As(errMissing)
	if eo == nil || em == nil || eo.Kind != errs.KindNotFound || eo.Reason != dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND {
		t.Fatalf("other customer's tenant: %v / missing: %v", errOther, errMissing)
	}
	if want := "tenant \"globex-xx\" not found"; em.Message != want || eo.Message != "tenant \"globex-us\" not found" {
		t.Fatalf("messages differ in shape: %q vs %q", eo.Message, em.Message)
	}
	if _, err := f.srv.GetTenant(globexCtx, &dsarv1.GetTenantRequest{TenantId: "globex-us"}); err != nil {
		t.Fatalf("own tenant: %v", err)
	}
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		filter string
		want   []string
	}{
		{"acme all", acmeCtx, "", []string{"acme-eu", "acme-us"}},
		{"acme own filter", acmeCtx, "acme", []string{"acme-eu", "acme-us"}},
		{"acme other filter", acmeCtx, "globex", nil},
		{"globex", globexCtx, "", []string{"globex-us"}},
		{"auditor", audCtx, "", []string{"acme-eu", "acme-us", "globex-us"}},
		{"operator filter", opCtx, "globex", []string{"globex-us"}},
	} {
		res, err := f.srv.ListTenants(tc.ctx, &dsarv1.ListTenantsRequest{CustomerId: tc.filter})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var got []string
		for _, tn := range res.Tenants {
			got = append(got, tn.TenantId)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
			}
		}
		assertNoSecrets(t, tc.name, nil, res)
	}
}
