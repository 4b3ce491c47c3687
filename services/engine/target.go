package engine

import (
	"context"
	"errors"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// resolveTarget turns a validated target into tenants the caller may
// address. A customer naming a tenant of another customer gets NOT_FOUND
// exactly like for a missing tenant; a customer naming another customer or
// all tenants gets PERMISSION_DENIED. Zero tenants is FAILED_PRECONDITION
// with EMPTY_TARGET.
func (e *Engine) resolveTarget(ctx context.Context, p authn.Principal, t *dsarv1.Target) ([]*dsarv1.Tenant, error) {
	var out []*dsarv1.Tenant
	switch {
	case len(t.GetTenantIds()) > 0:
		out = make([]*dsarv1.Tenant, 0, len(t.GetTenantIds()))
		for _, id := range t.GetTenantIds() {
			tn, err := e.store.GetTenant(ctx, id)
			if errors.Is(err, tenants.ErrNotFound) || (err == nil && p.IsCustomer() && tn.GetCustomerId() != p.CustomerID) {
				return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "tenant", id)
			}
			if err != nil {
				return nil, errs.Internal(err)
			}
			out = append(out, tn)
		}
	case t.GetCustomerId() != "":
		if p.IsCustomer() && t.GetCustomerId() != p.CustomerID {
			return nil, errs.PermissionDenied("a customer key may only target its own tenants")
		}
		all, err := e.allTenants(ctx, t.GetCustomerId())
		if err != nil {
			return nil, err
		}
		out = all
	case t.GetAllTenants():
		if !p.IsOperator() {
			return nil, errs.PermissionDenied("only an operator key may target all tenants")
		}
		all, err := e.allTenants(ctx, "")
		if err != nil {
			return nil, err
		}
		out = all
	}
	if len(out) == 0 {
		return nil, errs.FailedPrecondition(dsarv1.ErrorReason_ERROR_REASON_EMPTY_TARGET, "the target resolves to no tenants")
	}
	return out, nil
}

// allTenants lists every tenant, or every tenant of customerID, all pages.
func (e *Engine) allTenants(ctx context.Context, customerID string) ([]*dsarv1.Tenant, error) {
	var out []*dsarv1.Tenant
	token := ""
	for {
		page, next, err := e.store.ListTenants(ctx, tenants.ListOptions{CustomerID: customerID, PageSize: 1000, PageToken: token})
		if err != nil {
			return nil, errs.Internal(err)
		}
		out = append(out, page...)
		if next == "" || len(page) == 0 {
			return out, nil
		}
		token = next
	}
}
