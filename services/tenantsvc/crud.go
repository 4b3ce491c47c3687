package tenantsvc

import (
	"context"
	"errors"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
	"google.golang.org/protobuf/proto"
)

// CreateTenant registers a tenant (operator only). Its credentials are
// sealed at rest and never returned.
func (s *Server) CreateTenant(ctx context.Context, in *dsarv1.CreateTenantRequest) (*dsarv1.CreateTenantResponse, error) {
	if _, err := operator(ctx, "create tenants"); err != nil {
		return nil, err
	}
	t := proto.CloneOf(in.GetTenant())
	if err := validateNew(t, s.opts.AllowHTTPMautic); err != nil {
		return nil, err
	}
	t.Credential, t.CreateTime, t.UpdateTime = nil, nil, nil
	out, err := s.store.CreateTenant(ctx, t)
	if err != nil {
		return nil, storeErr(err, t.GetTenantId())
	}
	if err := s.record(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREATED, TenantId: out.GetTenantId(), CustomerId: out.GetCustomerId(),
		Attributes: map[string]string{"credentialType": out.GetCredential().GetType().String()},
	}); err != nil {
		return nil, err
	}
	return &dsarv1.CreateTenantResponse{Tenant: public(out)}, nil
}

// GetTenant returns one tenant. A customer key asking for another
// customer's tenant gets the same NOT_FOUND as for a missing one.
func (s *Server) GetTenant(ctx context.Context, in *dsarv1.GetTenantRequest) (*dsarv1.GetTenantResponse, error) {
	p, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	id := in.GetTenantId()
	if err := validate.TenantID(id); err != nil {
		return nil, errs.InvalidField("tenantId", err.Error())
	}
	t, err := s.store.GetTenant(ctx, id)
	if err != nil {
		return nil, storeErr(err, id)
	}
	if !p.CanSeeCustomer(t.GetCustomerId()) {
		return nil, notFound(id)
	}
	return &dsarv1.GetTenantResponse{Tenant: public(t)}, nil
}

// ListTenants pages through tenants by id. Customer keys see only their own
// customer's tenants; a customerId filter naming another customer yields an
// empty page.
func (s *Server) ListTenants(ctx context.Context, in *dsarv1.ListTenantsRequest) (*dsarv1.ListTenantsResponse, error) {
	p, err := reader(ctx)
	if err != nil {
		return nil, err
	}
	var v violations
	if in.GetCustomerId() != "" {
		v.customerID(in.GetCustomerId())
	}
	if in.GetPageSize() < 0 {
		v.addf("pageSize", "must not be negative")
	}
	labels, lerr := validate.LabelSelector(in.GetLabelSelector())
	v.add("labelSelector", lerr)
	if err := v.err(); err != nil {
		return nil, err
	}
	o := tenants.ListOptions{CustomerID: in.GetCustomerId(), Labels: labels, PageSize: int(in.GetPageSize()), PageToken: in.GetPageToken()}
	if p.IsCustomer() {
		if o.CustomerID != "" && o.CustomerID != p.CustomerID {
			return &dsarv1.ListTenantsResponse{}, nil
		}
		o.CustomerID = p.CustomerID
	}
	list, next, err := s.store.ListTenants(ctx, o)
	if errors.Is(err, tenants.ErrInvalid) {
		return nil, errs.InvalidField("pageToken", "is not a page token from a previous ListTenants response")
	}
	if err != nil {
		return nil, errs.Internal(err)
	}
	for _, t := range list {
		public(t)
	}
	return &dsarv1.ListTenantsResponse{Tenants: list, NextPageToken: next}, nil
}

// DeleteTenant removes a tenant and its sealed credentials (operator only).
func (s *Server) DeleteTenant(ctx context.Context, in *dsarv1.DeleteTenantRequest) (*dsarv1.DeleteTenantResponse, error) {
	if _, err := operator(ctx, "delete tenants"); err != nil {
		return nil, err
	}
	id := in.GetTenantId()
	if err := validate.TenantID(id); err != nil {
		return nil, errs.InvalidField("tenantId", err.Error())
	}
	t, err := s.store.GetTenant(ctx, id)
	if err != nil {
		return nil, storeErr(err, id)
	}
	if err := s.store.DeleteTenant(ctx, id); err != nil {
		return nil, storeErr(err, id)
	}
	if err := s.record(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_DELETED, TenantId: id, CustomerId: t.GetCustomerId(),
	}); err != nil {
		return nil, err
	}
	return &dsarv1.DeleteTenantResponse{}, nil
}
