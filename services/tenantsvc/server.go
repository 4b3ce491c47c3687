package tenantsvc

import (
	"context"
	"errors"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Verifier makes the live check of a tenant's Mautic. It is satisfied by an
// adapter over the Mautic client (services/app). It reports every outcome,
// including failures, in the response; it never returns an RPC error.
type Verifier interface {
	Verify(ctx context.Context, t *dsarv1.Tenant, creds *storagev1.Credentials) *dsarv1.VerifyTenantResponse
}

// Auditor appends to the audit trail (services/audit.Log satisfies it).
type Auditor interface {
	Append(ctx context.Context, ev *dsarv1.AuditEvent) error
}

// Options configures the service.
type Options struct {
	// AllowHTTPMautic permits http:// base URLs (--allow-http-mautic).
	AllowHTTPMautic bool
}

// Server implements dsarv1.TenantServiceServer.
type Server struct {
	dsarv1.UnimplementedTenantServiceServer
	store    *tenants.Store
	verifier Verifier
	audit    Auditor
	opts     Options
}

var _ dsarv1.TenantServiceServer = (*Server)(nil)

// New returns the tenant service. v may be nil (VerifyTenant then fails with
// FAILED_PRECONDITION); a may be nil only in tests (nothing is audited).
func New(store *tenants.Store, v Verifier, a Auditor, o Options) *Server {
	return &Server{store: store, verifier: v, audit: a, opts: o}
}

// caller returns the authenticated principal, or Unauthenticated.
func caller(ctx context.Context) (authn.Principal, error) {
	p, ok := authn.FromContext(ctx)
	if !ok || p.Role == dsarv1.Role_ROLE_UNSPECIFIED {
		return authn.Principal{}, errs.Unauthenticated()
	}
	return p, nil
}

// operator returns the caller if it is an operator, else PermissionDenied.
func operator(ctx context.Context, what string) (authn.Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return p, err
	}
	if !p.IsOperator() {
		return p, errs.PermissionDenied("only operator keys may " + what)
	}
	return p, nil
}

// reader returns the caller if it may read tenants at all.
func reader(ctx context.Context) (authn.Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return p, err
	}
	if !p.IsOperator() && !p.IsAuditor() && !(p.IsCustomer() && p.CustomerID != "") {
		return p, errs.PermissionDenied("this key may not read tenants")
	}
	return p, nil
}

// notFound is the one answer for a missing tenant and for another
// customer's tenant.
func notFound(tenantID string) *errs.Error {
	return errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "tenant", tenantID)
}

// storeErr maps a store error to a domain error. Domain errors returned by
// update functions pass through.
func storeErr(err error, tenantID string) error {
	if e, ok := errs.As(err); ok {
		return e
	}
	switch {
	case errors.Is(err, tenants.ErrNotFound):
		return notFound(tenantID)
	case errors.Is(err, tenants.ErrAlreadyExists):
		return errs.AlreadyExists(dsarv1.ErrorReason_ERROR_REASON_TENANT_ALREADY_EXISTS, "tenant \""+tenantID+"\" already exists")
	case errors.Is(err, tenants.ErrInvalid):
		e := errs.Invalid()
		e.Cause = err
		return e
	}
	return errs.Internal(err)
}

// public strips anything secret from t before it leaves the service.
func public(t *dsarv1.Tenant) *dsarv1.Tenant {
	if t != nil {
		t.BasicAuth, t.Oauth2 = nil, nil
	}
	return t
}

// record appends an audit event; a failure is an internal error because
// every change must be on the trail.
func (s *Server) record(ctx context.Context, ev *dsarv1.AuditEvent) error {
	if s.audit == nil {
		return nil
	}
	if err := s.audit.Append(ctx, ev); err != nil {
		return errs.Internal(err)
	}
	return nil
}
