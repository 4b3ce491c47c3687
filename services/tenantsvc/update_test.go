package tenantsvc

import (
	"strings"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

func TestUpdateTenant(t *testing.T) {
	type check func(t *testing.T, tn *dsarv1.Tenant)
	tests := []struct {
		name   string
		in     *dsarv1.UpdateTenantRequest
		kind   errs.Kind
		field  string
		audits []dsarv1.AuditEventType
		fields string // audited TENANT_UPDATED fields
		check  check
	}{
		{name: "display name by presence", in: &dsarv1.UpdateTenantRequest{DisplayName: proto.String("Acme EU")},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED}, fields: "displayName",
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.DisplayName != "Acme EU" || tn.MaxConcurrency != 8 || tn.Labels["env"] != "prod" {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "several fields", in: &dsarv1.UpdateTenantRequest{MaxConcurrency: proto.Int32(16), BaseUrl: proto.String("https://new.example.com/"), Labels: map[string]string{"env": "dev"}, PropagateTraceContext: proto.Bool(true)},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED}, fields: "baseUrl,labels,maxConcurrency,propagateTraceContext",
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.MaxConcurrency != 16 || tn.BaseUrl != "https://new.example.com" || tn.Labels["env"] != "dev" || !tn.PropagateTraceContext || tn.DisplayName != "Acme" {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "mask limits the change", in: &dsarv1.UpdateTenantRequest{DisplayName: proto.String("ignored"), MaxConcurrency: proto.Int32(2), UpdateMask: mask("max_concurrency")},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED}, fields: "maxConcurrency",
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.DisplayName != "Acme" || tn.MaxConcurrency != 2 {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "mask clears labels, resets defaults", in: &dsarv1.UpdateTenantRequest{UpdateMask: mask("labels", "maxConcurrency", "call_timeout", "displayName")},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED}, fields: "displayName,labels,maxConcurrency", /* callTimeout already 30s */
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if len(tn.Labels) != 0 || tn.MaxConcurrency != 4 || tn.CallTimeout.AsDuration() != 30*time.Second || tn.DisplayName != "acme-eu" {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "same value is not a change", in: &dsarv1.UpdateTenantRequest{DisplayName: proto.String("Acme")},
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.DisplayName != "Acme" {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "rotate to oauth2", in: &dsarv1.UpdateTenantRequest{Oauth2: &dsarv1.OAuth2{ClientId: "cid", ClientSecret: canarySecret}},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREDENTIALS_ROTATED},
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.Credential.GetType() != dsarv1.CredentialType_CREDENTIAL_TYPE_OAUTH2 || tn.Credential.GetPrincipal() != "cid" {
					t.Errorf("credential = %v", tn.Credential)
				}
			}},
		{name: "rotate and rename", in: &dsarv1.UpdateTenantRequest{DisplayName: proto.String("New"), BasicAuth: &dsarv1.BasicAuth{Username: "u2", Password: "other-" + canaryPassword}},
			audits: []dsarv1.AuditEventType{dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREDENTIALS_ROTATED}, fields: "displayName",
			check: func(t *testing.T, tn *dsarv1.Tenant) {
				if tn.Credential.GetPrincipal() != "u2" || tn.DisplayName != "New" {
					t.Errorf("tenant = %v", tn)
				}
			}},
		{name: "nothing", in: &dsarv1.UpdateTenantRequest{}, kind: errs.KindInvalidArgument, field: "updateMask"},
		{name: "immutable id in mask", in: &dsarv1.UpdateTenantRequest{UpdateMask: mask("tenant_id")}, kind: errs.KindInvalidArgument, field: "updateMask"},
		{name: "unknown mask path", in: &dsarv1.UpdateTenantRequest{UpdateMask: mask("basic_auth.password")}, kind: errs.KindInvalidArgument, field: "updateMask"},
		{name: "remove credentials", in: &dsarv1.UpdateTenantRequest{UpdateMask: mask("basicAuth")}, kind: errs.KindInvalidArgument, field: "basicAuth"},
		{name: "both credentials", in: &dsarv1.UpdateTenantRequest{BasicAuth: &dsarv1.BasicAuth{Username: "u", Password: "p"}, Oauth2: &dsarv1.OAuth2{ClientId: "c", ClientSecret: "s"}}, kind: errs.KindInvalidArgument, field: "oauth2"},
		{name: "empty password", in: &dsarv1.UpdateTenantRequest{BasicAuth: &dsarv1.BasicAuth{Username: "u"}}, kind: errs.KindInvalidArgument, field: "basicAuth.password"},
		{name: "http url", in: &dsarv1.UpdateTenantRequest{BaseUrl: proto.String("http://x.example.com")}, kind: errs.KindInvalidArgument, field: "baseUrl"},
		{name: "clear customer", in: &dsarv1.UpdateTenantRequest{CustomerId: proto.String("")}, kind: errs.KindInvalidArgument, field: "customerId"},
		{name: "zero concurrency", in: &dsarv1.UpdateTenantRequest{MaxConcurrency: proto.Int32(0)}, kind: errs.KindInvalidArgument, field: "maxConcurrency"},
		{name: "long timeout", in: &dsarv1.UpdateTenantRequest{CallTimeout: durationpb.New(time.Hour)}, kind: errs.KindInvalidArgument, field: "callTimeout"},
		{name: "bad labels", in: &dsarv1.UpdateTenantRequest{Labels: map[string]string{"a/b": "c"}}, kind: errs.KindInvalidArgument, field: "labels"},
		{name: "missing tenant", in: &dsarv1.UpdateTenantRequest{TenantId: "nope", DisplayName: proto.String("x")}, kind: errs.KindNotFound},
		{name: "bad id", in: &dsarv1.UpdateTenantRequest{TenantId: "a\x00", DisplayName: proto.String("x")}, kind: errs.KindInvalidArgument, field: "tenantId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			orig := basic("acme-eu", "acme")
			orig.DisplayName, orig.MaxConcurrency, orig.Labels = "Acme", 8, map[string]string{"env": "prod"}
			f.mustCreate(t, orig)
			before, _ := f.srv.GetTenant(opCtx, &dsarv1.GetTenantRequest{TenantId: "acme-eu"})
			f.audit.reset()
			if tc.in.TenantId == "" {
				tc.in.TenantId = "acme-eu"
			}
			res, err := f.srv.UpdateTenant(opCtx, tc.in)
			assertNoSecrets(t, tc.name, err, res)
			if tc.kind != 0 {
				e, ok := errs.As(err)
				if !ok || e.Kind != tc.kind || (tc.field != "" && e.Violations[0].Field != tc.field) {
					t.Fatalf("err = %v (%+v), want kind %d field %q", err, e, tc.kind, tc.field)
				}
				after, _ := f.srv.GetTenant(opCtx, &dsarv1.GetTenantRequest{TenantId: "acme-eu"})
				if !proto.Equal(before, after) || len(f.audit.types()) != 0 {
					t.Fatal("failed update changed the store or was audited")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, res.Tenant)
			got, _ := f.srv.GetTenant(opCtx, &dsarv1.GetTenantRequest{TenantId: "acme-eu"})
			if !proto.Equal(got.Tenant, res.Tenant) {
				t.Errorf("stored %v != returned %v", got.Tenant, res.Tenant)
			}
			types := f.audit.types()
			if len(types) != len(tc.audits) {
				t.Fatalf("audit = %v, want %v", types, tc.audits)
			}
			for i := range types {
				if types[i] != tc.audits[i] {
					t.Fatalf("audit = %v, want %v", types, tc.audits)
				}
			}
			for _, ev := range f.audit.events {
				if ev.Type == dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED && ev.Attributes["fields"] != tc.fields {
					t.Errorf("audited fields = %q, want %q", ev.Attributes["fields"], tc.fields)
				}
				if j := ev.String(); strings.Contains(j, canaryPassword) || strings.Contains(j, canarySecret) {
					t.Errorf("audit event carries a secret: %s", j)
				}
				for _, v := range ev.Attributes {
					if strings.Contains(v, "Acme EU") || strings.Contains(v, "example.com") {
						t.Errorf("audit attribute carries a value: %q", v)
					}
				}
			}
		})
	}
}

func TestRotationReachesStore(t *testing.T) {
	f := newFixture(t)
	f.mustCreate(t, basic("acme-eu", "acme"))
	if _, err := f.srv.UpdateTenant(opCtx, &dsarv1.UpdateTenantRequest{TenantId: "acme-eu", Oauth2: &dsarv1.OAuth2{ClientId: "cid", ClientSecret: canarySecret}}); err != nil {
		t.Fatal(err)
	}
	c, err := f.store.Credentials(opCtx, "acme-eu")
	if err != nil || c.GetOauth2().GetClientSecret() != canarySecret || c.GetBasic() != nil {
		t.Fatalf("stored credentials after rotation: basic=%v oauth=%v err=%v", c.GetBasic() != nil, c.GetOauth2() != nil, err)
	}
}
