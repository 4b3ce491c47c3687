package tenantsvc

import (
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

func TestVerifyTenant(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("acme-eu", "acme"))
	for _, tc := range []struct {
		name    string
		res     *dsarv1.VerifyTenantResponse
		outcome dsarv1.VerifyOutcome
		ok      bool
		detail  string
	}{
		{"ok", &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK, MauticVersion: "5.1.0", HttpStatus: 200}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK, true, ""},
		{"bad credentials", &dsarv1.VerifyTenantResponse{Ok: true, Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, HttpStatus: 401}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, false, ""},
		{"api disabled", &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_API_DISABLED}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_API_DISABLED, false, ""},
		{"not mautic", &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, false, ""},
		{"nil result", nil, dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, false, "the check produced no result"},
		{"leaky detail", &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, Detail: "rejected " + canaryPassword}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, false, "detail withheld: it contained a credential or the base URL"},
	} {
		f.ver.res = tc.res
		f.audit.reset()
		res, err := f.srv.VerifyTenant(opCtx, &dsarv1.VerifyTenantRequest{TenantId: "acme-eu"})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if res.Outcome != tc.outcome || res.Ok != tc.ok || res.Latency == nil || (tc.detail != "" && res.Detail != tc.detail) {
			t.Errorf("%s: res = %v", tc.name, res)
		}
		if f.ver.gotPass != canaryPassword {
			t.Errorf("%s: verifier did not get the unsealed credentials", tc.name)
		}
		assertNoSecrets(t, tc.name, nil, res)
		if got := f.audit.types(); len(got) != 1 || got[0] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_VERIFIED || f.audit.events[0].Attributes["outcome"] != tc.outcome.String() {
			t.Errorf("%s: audit = %v", tc.name, f.audit.events)
		}
	}
	if _, err := f.srv.VerifyTenant(opCtx, &dsarv1.VerifyTenantRequest{TenantId: "missing"}); kind(err) != errs.KindNotFound {
		t.Errorf("missing tenant: %v", err)
	}
	noVerifier := New(f.store, nil, f.audit, Options{})
	if _, err := noVerifier.VerifyTenant(opCtx, &dsarv1.VerifyTenantRequest{TenantId: "acme-eu"}); kind(err) != errs.KindFailedPrecondition {
		t.Errorf("no verifier: %v", err)
	}
}

func TestDeleteTenant(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("acme-eu", "acme"))
	f.audit.reset()
	if _, err := f.srv.DeleteTenant(opCtx, &dsarv1.DeleteTenantRequest{TenantId: "acme-eu"}); err != nil {
		t.Fatal(err)
	}
	if got := f.audit.types(); len(got) != 1 || got[0] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_DELETED || f.audit.events[0].CustomerId != "acme" {
		t.Fatalf("audit = %v", f.audit.events)
	}
	for _, tc := range []struct {
		id   string
		kind errs.Kind
	}{{"acme-eu", errs.KindNotFound}, {"../x", errs.KindInvalidArgument}, {"", errs.KindInvalidArgument}} {
		if _, err := f.srv.DeleteTenant(opCtx, &dsarv1.DeleteTenantRequest{TenantId: tc.id}); kind(err) != tc.kind {
			t.Errorf("delete %q: %v, want kind %d", tc.id, err, tc.kind)
		}
	}
}
