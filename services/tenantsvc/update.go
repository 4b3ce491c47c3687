package tenantsvc

import (
	"context"
	"regexp"
	"slices"
	"strings"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// maskPaths maps every accepted update_mask path (proto and JSON names) to
// the field's JSON name, which is what violations and audit records use.
var maskPaths = map[string]string{
	"customer_id": "customerId", "customerId": "customerId",
	"display_name": "displayName", "displayName": "displayName",
	"base_url": "baseUrl", "baseUrl": "baseUrl",
	"basic_auth": "basicAuth", "basicAuth": "basicAuth",
	"oauth2":          "oauth2",
	"labels":          "labels",
	"max_concurrency": "maxConcurrency", "maxConcurrency": "maxConcurrency",
	"call_timeout": "callTimeout", "callTimeout": "callTimeout",
	"propagate_trace_context": "propagateTraceContext", "propagateTraceContext": "propagateTraceContext",
	"privacy_notice": "privacyNotice", "privacyNotice": "privacyNotice",
}

// fixedPaths are fields a PATCH can never change.
var fixedPaths = map[string]string{
	"tenant_id": "is immutable", "tenantId": "is immutable",
	"credential": "is output only", "create_time": "is output only", "createTime": "is output only",
	"update_time": "is output only", "updateTime": "is output only",
}

var safePath = regexp.MustCompile(`^[A-Za-z0-9_.]{1,64}$`)

// selected returns the JSON names of the fields the request changes: those
// in update_mask when it has paths, else those present in the request.
func selected(in *dsarv1.UpdateTenantRequest) (map[string]bool, error) {
	sel := map[string]bool{}
	if paths := in.GetUpdateMask().GetPaths(); len(paths) > 0 {
		var v violations
		for _, p := range paths {
			name, ok := maskPaths[p]
			switch {
			case ok:
				sel[name] = true
			case fixedPaths[p] != "":
				v.addf("updateMask", "names %q, which %s", p, fixedPaths[p])
			case safePath.MatchString(p):
				v.addf("updateMask", "names %q, which is not a field that can be changed (use top-level fields such as displayName or basicAuth)", p)
			default:
				v.addf("updateMask", "contains a path that is not a field name")
			}
		}
		return sel, v.err()
	}
	for name, present := range map[string]bool{
		"customerId": in.CustomerId != nil, "displayName": in.DisplayName != nil, "baseUrl": in.BaseUrl != nil,
		"basicAuth": in.BasicAuth != nil, "oauth2": in.Oauth2 != nil, "labels": len(in.Labels) > 0,
		"maxConcurrency": in.MaxConcurrency != nil, "callTimeout": in.CallTimeout != nil,
		"propagateTraceContext": in.PropagateTraceContext != nil, "privacyNotice": in.PrivacyNotice != nil,
	} {
		if present {
			sel[name] = true
		}
	}
	if len(sel) == 0 {
		return nil, errs.InvalidField("updateMask", "the request changes nothing: send the fields to change, or name them in updateMask")
	}
	return sel, nil
}

// patch is a validated change set.
type patch struct {
	sel    map[string]bool
	tenant *dsarv1.Tenant         // new values of the selected fields
	creds  *storagev1.Credentials // new credentials, if rotated
}

// newPatch validates the selected fields' new values. Cleared fields with a
// default (displayName, maxConcurrency, callTimeout) go back to it.
func newPatch(in *dsarv1.UpdateTenantRequest, allowHTTP bool) (*patch, error) {
	sel, err := selected(in)
	if err != nil {
		return nil, err
	}
	var v violations
	t := &dsarv1.Tenant{
		TenantId: in.GetTenantId(), CustomerId: in.GetCustomerId(), DisplayName: in.GetDisplayName(),
		Labels: in.GetLabels(), MaxConcurrency: in.GetMaxConcurrency(), CallTimeout: in.GetCallTimeout(),
		PropagateTraceContext: in.GetPropagateTraceContext(), PrivacyNotice: in.GetPrivacyNotice(),
	}
	p := &patch{sel: sel, tenant: t}
	if sel["customerId"] {
		v.customerID(t.CustomerId)
	}
	if sel["displayName"] {
		v.displayName(t.DisplayName)
		if t.DisplayName == "" {
			t.DisplayName = t.TenantId
		}
	}
	if sel["baseUrl"] {
		t.BaseUrl = v.baseURL(in.GetBaseUrl(), allowHTTP)
	}
	if sel["basicAuth"] || sel["oauth2"] {
		if in.BasicAuth == nil && in.Oauth2 == nil {
			v.addf("basicAuth", "credentials can be replaced (set basicAuth or oauth2) but not removed")
		} else {
			v.credentials(in.BasicAuth, in.Oauth2)
			p.creds, _ = tenants.CredentialsFrom(in.BasicAuth, in.Oauth2)
		}
	}
	if sel["labels"] {
		v.labels(t.Labels)
	}
	if sel["maxConcurrency"] {
		if in.MaxConcurrency == nil || *in.MaxConcurrency == 0 && in.UpdateMask != nil {
			t.MaxConcurrency = tenants.DefaultMaxConcurrency
		} else {
			v.maxConcurrency(t.MaxConcurrency)
		}
	}
	if sel["callTimeout"] {
		if t.CallTimeout == nil {
			t.CallTimeout = durationpb.New(tenants.DefaultCallTimeout)
		} else {
			v.callTimeout(t.CallTimeout)
		}
	}
	if sel["privacyNotice"] {
		v.privacyNotice(t.PrivacyNotice)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return p, nil
}

// apply writes the patch onto t and creds and returns the JSON names of the
// non-credential fields whose value actually changed, sorted.
func (p *patch) apply(t *dsarv1.Tenant, creds *storagev1.Credentials) []string {
	var changed []string
	set := func(name string, differs bool, assign func()) {
		if p.sel[name] && differs {
			assign()
			changed = append(changed, name)
		}
	}
	n := p.tenant
	set("customerId", t.CustomerId != n.CustomerId, func() { t.CustomerId = n.CustomerId })
	set("displayName", t.DisplayName != n.DisplayName, func() { t.DisplayName = n.DisplayName })
	set("baseUrl", t.BaseUrl != n.BaseUrl, func() { t.BaseUrl = n.BaseUrl })
	set("labels", !mapsEqual(t.Labels, n.Labels), func() { t.Labels = n.Labels })
	set("maxConcurrency", t.MaxConcurrency != n.MaxConcurrency, func() { t.MaxConcurrency = n.MaxConcurrency })
	set("callTimeout", !proto.Equal(t.CallTimeout, n.CallTimeout), func() { t.CallTimeout = n.CallTimeout })
	set("propagateTraceContext", t.PropagateTraceContext != n.PropagateTraceContext, func() { t.PropagateTraceContext = n.PropagateTraceContext })
	set("privacyNotice", !proto.Equal(t.PrivacyNotice, n.PrivacyNotice), func() { t.PrivacyNotice = n.PrivacyNotice })
	if p.creds != nil {
		proto.Reset(creds)
		proto.Merge(creds, p.creds)
	}
	slices.Sort(changed)
	return changed
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// UpdateTenant changes the fields present in the request (or named in
// update_mask), operator only. Rotating credentials (basicAuth or oauth2)
// replaces the stored ones, dropping the other kind, and is audited as
// TENANT_CREDENTIALS_ROTATED apart from TENANT_UPDATED.
func (s *Server) UpdateTenant(ctx context.Context, in *dsarv1.UpdateTenantRequest) (*dsarv1.UpdateTenantResponse, error) {
	if _, err := operator(ctx, "change tenants"); err != nil {
		return nil, err
	}
	id := in.GetTenantId()
	if err := validate.TenantID(id); err != nil {
		return nil, errs.InvalidField("tenantId", err.Error())
	}
	p, err := newPatch(in, s.opts.AllowHTTPMautic)
	if err != nil {
		return nil, err
	}
	var changed []string
	out, err := s.store.UpdateTenant(ctx, id, func(t *dsarv1.Tenant, creds *storagev1.Credentials) error {
		changed = p.apply(t, creds)
		return nil
	})
	if err != nil {
		return nil, storeErr(err, id)
	}
	if len(changed) > 0 {
		if err := s.record(ctx, &dsarv1.AuditEvent{
			Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_UPDATED, TenantId: id, CustomerId: out.GetCustomerId(),
			Attributes: map[string]string{"fields": strings.Join(changed, ",")},
		}); err != nil {
			return nil, err
		}
	}
	if p.creds != nil {
		if err := s.record(ctx, &dsarv1.AuditEvent{
			Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREDENTIALS_ROTATED, TenantId: id, CustomerId: out.GetCustomerId(),
			Attributes: map[string]string{"fields": credField(p.creds), "credentialType": out.GetCredential().GetType().String()},
		}); err != nil {
			return nil, err
		}
	}
	return &dsarv1.UpdateTenantResponse{Tenant: public(out)}, nil
}

func credField(c *storagev1.Credentials) string {
	if c.GetBasic() != nil {
		return "basicAuth"
	}
	return "oauth2"
}
