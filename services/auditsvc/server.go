package auditsvc

import (
	"context"
	"errors"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/audit"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

// Server implements dsarv1.AuditServiceServer over an audit.Log.
type Server struct {
	dsarv1.UnimplementedAuditServiceServer
	log *audit.Log
}

var _ dsarv1.AuditServiceServer = (*Server)(nil)

// New returns the AuditService over l.
func New(l *audit.Log) *Server { return &Server{log: l} }

// ListAuditEvents pages through events, oldest first. Operators and
// auditors see all events, a customer only those of its own customer id.
func (s *Server) ListAuditEvents(ctx context.Context, in *dsarv1.ListAuditEventsRequest) (*dsarv1.ListAuditEventsResponse, error) {
	p, ok := authn.FromContext(ctx)
	if !ok {
		return nil, errs.Unauthenticated()
	}
	f := audit.Filter{RequestID: in.GetRequestId(), TenantID: in.GetTenantId()}
	switch {
	case p.IsOperator(), p.IsAuditor():
	case p.IsCustomer() && p.CustomerID != "":
		f.CustomerID = p.CustomerID
	default:
		return nil, errs.PermissionDenied("this key may not read audit events")
	}
	if err := validateList(in); err != nil {
		return nil, err
	}
	evs, next, err := s.log.List(ctx, f, int(in.GetPageSize()), in.GetPageToken())
	if errors.Is(err, audit.ErrBadPageToken) {
		return nil, errs.InvalidField("pageToken", "is not a page token from a previous response of this method")
	}
	if err != nil {
		return nil, err // unexpected (or the caller went away): the interceptor maps it
	}
	return &dsarv1.ListAuditEventsResponse{Events: evs, NextPageToken: next}, nil
}

// validateList checks the filter and page fields.
func validateList(in *dsarv1.ListAuditEventsRequest) *errs.Error {
	var v []errs.FieldViolation
	if id := in.GetRequestId(); id != "" {
		if err := validate.TenantID(id); err != nil {
			v = append(v, errs.FieldViolation{Field: "requestId", Description: err.Error()})
		}
	}
	if id := in.GetTenantId(); id != "" {
		if err := validate.TenantID(id); err != nil {
			v = append(v, errs.FieldViolation{Field: "tenantId", Description: err.Error()})
		}
	}
	if n := in.GetPageSize(); n < 0 {
		v = append(v, errs.FieldViolation{Field: "pageSize", Description: "must not be negative"})
	}
	if len(v) > 0 {
		return errs.Invalid(v...)
	}
	return nil
}

// VerifyAuditLog recomputes the hash chain over every event. Operators and
// auditors only: the answer covers every customer's events.
func (s *Server) VerifyAuditLog(ctx context.Context, _ *dsarv1.VerifyAuditLogRequest) (*dsarv1.VerifyAuditLogResponse, error) {
	p, ok := authn.FromContext(ctx)
	if !ok {
		return nil, errs.Unauthenticated()
	}
	if !p.IsOperator() && !p.IsAuditor() {
		return nil, errs.PermissionDenied("only operator and auditor keys may verify the audit log")
	}
	res, err := s.log.Verify(ctx)
	if err != nil {
		return nil, err
	}
	return res, nil
}
