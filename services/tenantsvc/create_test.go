package tenantsvc

import (
	"strings"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

func TestCreateTenantValidation(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("taken", "acme"))
	mod := func(fn func(tn *dsarv1.Tenant)) *dsarv1.Tenant {
		tn := basic("fresh", "acme")
		fn(tn)
		return tn
	}
	tests := []struct {
		name  string
		in    *dsarv1.Tenant
		kind  errs.Kind
		field string
	}{
		{"no tenant", nil, errs.KindInvalidArgument, "tenant"},
		{"empty id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = "" }), errs.KindInvalidArgument, "tenantId"},
		{"upper id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = "Fresh" }), errs.KindInvalidArgument, "tenantId"},
		{"path id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = "../etc/passwd" }), errs.KindInvalidArgument, "tenantId"},
		{"slash id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = "a/b" }), errs.KindInvalidArgument, "tenantId"},
		{"nul id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = "a\x00b" }), errs.KindInvalidArgument, "tenantId"},
		{"long id", mod(func(tn *dsarv1.Tenant) { tn.TenantId = strings.Repeat("a", 64) }), errs.KindInvalidArgument, "tenantId"},
		{"no customer", mod(func(tn *dsarv1.Tenant) { tn.CustomerId = "" }), errs.KindInvalidArgument, "customerId"},
		{"bad customer", mod(func(tn *dsarv1.Tenant) { tn.CustomerId = "ACME" }), errs.KindInvalidArgument, "customerId"},
		{"http url", mod(func(tn *dsarv1.Tenant) { tn.BaseUrl = "http://m.example.com" }), errs.KindInvalidArgument, "baseUrl"},
		{"creds in url", mod(func(tn *dsarv1.Tenant) { tn.BaseUrl = "https://user:" + canaryPassword + "@m.example.com" }), errs.KindInvalidArgument, "baseUrl"},
		{"query url", mod(func(tn *dsarv1.Tenant) { tn.BaseUrl = "https://m.example.com/?a=1" }), errs.KindInvalidArgument, "baseUrl"},
		{"fragment url", mod(func(tn *dsarv1.Tenant) { tn.BaseUrl = "https://m.example.com/#x" }), errs.KindInvalidArgument, "baseUrl"},
		{"no url", mod(func(tn *dsarv1.Tenant) { tn.BaseUrl = "" }), errs.KindInvalidArgument, "baseUrl"},
		{"no creds", mod(func(tn *dsarv1.Tenant) { tn.BasicAuth = nil }), errs.KindInvalidArgument, "basicAuth"},
		{"both creds", mod(func(tn *dsarv1.Tenant) { tn.Oauth2 = &dsarv1.OAuth2{ClientId: "c", ClientSecret: canarySecret} }), errs.KindInvalidArgument, "oauth2"},
		{"empty password", mod(func(tn *dsarv1.Tenant) { tn.BasicAuth.Password = "" }), errs.KindInvalidArgument, "basicAuth.password"},
		{"empty username", mod(func(tn *dsarv1.Tenant) { tn.BasicAuth.Username = "" }), errs.KindInvalidArgument, "basicAuth.username"},
		{"colon username", mod(func(tn *dsarv1.Tenant) { tn.BasicAuth.Username = "a:b" }), errs.KindInvalidArgument, "basicAuth.username"},
		{"empty client secret", mod(func(tn *dsarv1.Tenant) {
			tn.BasicAuth, tn.Oauth2 = nil, &dsarv1.OAuth2{ClientId: "c"}
		}), errs.KindInvalidArgument, "oauth2.clientSecret"},
		{"bad label", mod(func(tn *dsarv1.Tenant) { tn.Labels = map[string]string{"Env": "x"} }), errs.KindInvalidArgument, "labels"},
		{"label value", mod(func(tn *dsarv1.Tenant) { tn.Labels = map[string]string{"env": "a b"} }), errs.KindInvalidArgument, "labels"},
		{"concurrency low", mod(func(tn *dsarv1.Tenant) { tn.MaxConcurrency = -1 }), errs.KindInvalidArgument, "maxConcurrency"},
		{"concurrency high", mod(func(tn *dsarv1.Tenant) { tn.MaxConcurrency = 65 }), errs.KindInvalidArgument, "maxConcurrency"},
		{"timeout low", mod(func(tn *dsarv1.Tenant) { tn.CallTimeout = durationpb.New(999 * time.Millisecond) }), errs.KindInvalidArgument, "callTimeout"},
		{"timeout high", mod(func(tn *dsarv1.Tenant) { tn.CallTimeout = durationpb.New(5*time.Minute + 1) }), errs.KindInvalidArgument, "callTimeout"},
		{"display control", mod(func(tn *dsarv1.Tenant) { tn.DisplayName = "a\nb" }), errs.KindInvalidArgument, "displayName"},
		{"notice too long", mod(func(tn *dsarv1.Tenant) {
			tn.PrivacyNotice = &dsarv1.PrivacyNotice{Purposes: []string{strings.Repeat("x", 5000)}}
		}), errs.KindInvalidArgument, "privacyNotice.purposes[0]"},
		{"duplicate", basic("taken", "globex"), errs.KindAlreadyExists, ""},
	}
	for _, tc := range tests {
		f.audit.reset()
		_, err := f.srv.CreateTenant(opCtx, &dsarv1.CreateTenantRequest{Tenant: tc.in})
		e, ok := errs.As(err)
		if !ok || e.Kind != tc.kind {
			t.Errorf("%s: err = %v, want kind %d", tc.name, err, tc.kind)
			continue
		}
		if tc.field != "" && (len(e.Violations) == 0 || e.Violations[0].Field != tc.field) {
			t.Errorf("%s: violations = %+v, want field %q", tc.name, e.Violations, tc.field)
		}
		if tc.kind == errs.KindAlreadyExists && e.Reason != dsarv1.ErrorReason_ERROR_REASON_TENANT_ALREADY_EXISTS {
			t.Errorf("%s: reason %v", tc.name, e.Reason)
		}
		assertNoSecrets(t, tc.name, err)
		if strings.Contains(e.Error(), "user:") {
			t.Errorf("%s: error echoes URL credentials: %v", tc.name, e)
		}
		if len(f.audit.types()) != 0 {
			t.Errorf("%s: a failed create was audited", tc.name)
		}
	}
	res, _ := f.srv.ListTenants(opCtx, &dsarv1.ListTenantsRequest{})
	if len(res.GetTenants()) != 1 {
		t.Fatalf("store changed by failed creates: %d tenants", len(res.GetTenants()))
	}
	if got, _ := f.srv.GetTenant(opCtx, &dsarv1.GetTenantRequest{TenantId: "taken"}); got.GetTenant().GetCustomerId() != "acme" {
		t.Fatal("duplicate create overwrote the tenant")
	}
}

func TestCreateTenantDefaultsAndHTTP(t *testing.T) {
	f := newFixture(t)
	in := basic("acme-eu", "acme")
	in.BaseUrl = "HTTPS://Acme-EU.example.com/"
	in.Credential = &dsarv1.CredentialInfo{Principal: "forged"}
	res, err := f.srv.CreateTenant(opCtx, &dsarv1.CreateTenantRequest{Tenant: in})
	if err != nil {
		t.Fatal(err)
	}
	tn := res.Tenant
	if tn.BaseUrl != "https://acme-eu.example.com" || tn.DisplayName != "acme-eu" || tn.MaxConcurrency != 4 || tn.CallTimeout.AsDuration() != 30*time.Second {
		t.Fatalf("defaults/normalization: %v", tn)
	}
	if c := tn.Credential; c.GetPrincipal() != "api" || c.GetType() != dsarv1.CredentialType_CREDENTIAL_TYPE_BASIC || len(c.GetFingerprint()) != 12 {
		t.Fatalf("credential info = %v", c)
	}
	if in.BasicAuth.Password != canaryPassword {
		t.Fatal("handler modified the caller's request")
	}
	assertNoSecrets(t, "create", nil, res)
	if got := f.audit.types(); len(got) != 1 || got[0] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREATED {
		t.Fatalf("audit = %v", got)
	}

	httpIn := basic("local", "acme")
	httpIn.BaseUrl = "http://127.0.0.1:8000/i/1"
	if _, err := f.srv.CreateTenant(opCtx, &dsarv1.CreateTenantRequest{Tenant: proto.CloneOf(httpIn)}); kind(err) != errs.KindInvalidArgument {
		t.Fatalf("http without flag: %v", err)
	}
	allow := New(f.store, f.ver, f.audit, Options{AllowHTTPMautic: true})
	if _, err := allow.CreateTenant(opCtx, &dsarv1.CreateTenantRequest{Tenant: httpIn}); err != nil {
		t.Fatalf("http with flag: %v", err)
	}
}

func TestListTenantsPagingAndErrors(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"a1", "a2", "a3", "a4", "a5"} {
		tn := basic(id, "acme")
		tn.Labels = map[string]string{"tier": map[bool]string{true: "gold", false: "std"}[id <= "a2"]}
		f.mustCreate(t, tn)
	}
	var ids []string
	tok := ""
	for {
		res, err := f.srv.ListTenants(opCtx, &dsarv1.ListTenantsRequest{PageSize: 2, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		for _, tn := range res.Tenants {
			ids = append(ids, tn.TenantId)
		}
		if tok = res.NextPageToken; tok == "" {
			break
		}
	}
	if strings.Join(ids, ",") != "a1,a2,a3,a4,a5" {
		t.Fatalf("paged ids = %v", ids)
	}
	res, err := f.srv.ListTenants(acmeCtx, &dsarv1.ListTenantsRequest{LabelSelector: "tier=gold"})
	if err != nil || len(res.Tenants) != 2 {
		t.Fatalf("label selector: %v, %v", res, err)
	}
	for _, tc := range []struct {
		name  string
		in    *dsarv1.ListTenantsRequest
		field string
	}{
		{"bad token", &dsarv1.ListTenantsRequest{PageToken: "not-a-token"}, "pageToken"},
		{"negative size", &dsarv1.ListTenantsRequest{PageSize: -1}, "pageSize"},
		{"bad customer", &dsarv1.ListTenantsRequest{CustomerId: "A/B"}, "customerId"},
		{"bad selector", &dsarv1.ListTenantsRequest{LabelSelector: "tier"}, "labelSelector"},
	} {
		_, err := f.srv.ListTenants(opCtx, tc.in)
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.KindInvalidArgument || e.Violations[0].Field != tc.field {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
