package apikeysvc

import (
	"context"
	"errors"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// maxDescription bounds a key's description.
const maxDescription = 256

// Auditor appends to the audit trail (services/audit.Log satisfies it).
type Auditor interface {
	Append(ctx context.Context, ev *dsarv1.AuditEvent) error
}

// Server implements dsarv1.ApiKeyServiceServer. Every RPC is operator only.
type Server struct {
	dsarv1.UnimplementedApiKeyServiceServer
	store *tenants.Store
	audit Auditor
}

var _ dsarv1.ApiKeyServiceServer = (*Server)(nil)

// New returns the API key service; a may be nil only in tests.
func New(store *tenants.Store, a Auditor) *Server { return &Server{store: store, audit: a} }

// operator checks that the caller is authenticated and an operator.
func operator(ctx context.Context) error {
	p, ok := authn.FromContext(ctx)
	if !ok || p.Role == dsarv1.Role_ROLE_UNSPECIFIED {
		return errs.Unauthenticated()
	}
	if !p.IsOperator() {
		return errs.PermissionDenied("only operator keys may manage API keys")
	}
	return nil
}

func (s *Server) record(ctx context.Context, ev *dsarv1.AuditEvent) error {
	if s.audit == nil {
		return nil
	}
	if err := s.audit.Append(ctx, ev); err != nil {
		return errs.Internal(err)
	}
	return nil
}

// CreateApiKey creates a key and returns its secret, the only time it is
// shown. Customer keys need customerId; other roles must not have one.
func (s *Server) CreateApiKey(ctx context.Context, in *dsarv1.CreateApiKeyRequest) (*dsarv1.CreateApiKeyResponse, error) {
	if err := operator(ctx); err != nil {
		return nil, err
	}
	var v []errs.FieldViolation
	switch in.GetRole() {
	case dsarv1.Role_ROLE_CUSTOMER:
		if err := validate.CustomerID(in.GetCustomerId()); err != nil {
			v = append(v, errs.FieldViolation{Field: "customerId", Description: err.Error() + " (customer keys are bound to one customer)"})
		}
	case dsarv1.Role_ROLE_OPERATOR, dsarv1.Role_ROLE_AUDITOR:
		if in.GetCustomerId() != "" {
			v = append(v, errs.FieldViolation{Field: "customerId", Description: "is only allowed for ROLE_CUSTOMER keys"})
		}
	default:
		v = append(v, errs.FieldViolation{Field: "role", Description: "must be ROLE_OPERATOR, ROLE_CUSTOMER or ROLE_AUDITOR"})
	}
	if err := validate.Text(in.GetDescription(), maxDescription); err != nil {
		v = append(v, errs.FieldViolation{Field: "description", Description: err.Error()})
	}
	if len(v) > 0 {
		return nil, errs.Invalid(v...)
	}
	key, secret, err := s.store.CreateAPIKey(ctx, in.GetRole(), in.GetCustomerId(), in.GetDescription())
	if err != nil {
		return nil, errs.Internal(err)
	}
	if err := s.record(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_API_KEY_CREATED, CustomerId: key.GetCustomerId(),
		Attributes: map[string]string{"keyId": key.GetKeyId(), "role": key.GetRole().String()},
	}); err != nil {
		return nil, err
	}
	return &dsarv1.CreateApiKeyResponse{KeyId: key.GetKeyId(), Secret: secret, ApiKey: key}, nil
}

// ListApiKeys pages through keys by id, never with secrets or hashes.
func (s *Server) ListApiKeys(ctx context.Context, in *dsarv1.ListApiKeysRequest) (*dsarv1.ListApiKeysResponse, error) {
	if err := operator(ctx); err != nil {
		return nil, err
	}
	if in.GetPageSize() < 0 {
		return nil, errs.InvalidField("pageSize", "must not be negative")
	}
	keys, next, err := s.store.ListAPIKeys(ctx, int(in.GetPageSize()), in.GetPageToken())
	if errors.Is(err, tenants.ErrInvalid) {
		return nil, errs.InvalidField("pageToken", "is not a page token from a previous ListApiKeys response")
	}
	if err != nil {
		return nil, errs.Internal(err)
	}
	return &dsarv1.ListApiKeysResponse{ApiKeys: keys, NextPageToken: next}, nil
}

// DeleteApiKey revokes a key at once. The bootstrap key lives in the
// environment and cannot be revoked here.
func (s *Server) DeleteApiKey(ctx context.Context, in *dsarv1.DeleteApiKeyRequest) (*dsarv1.DeleteApiKeyResponse, error) {
	if err := operator(ctx); err != nil {
		return nil, err
	}
	id := in.GetKeyId()
	if id == authn.BootstrapKeyID {
		return nil, errs.InvalidField("keyId", "names the bootstrap key, which comes from MAUTIC_DSAR_OPERATOR_KEY and is revoked by changing that variable")
	}
	if err := validate.TenantID(id); err != nil {
		return nil, errs.InvalidField("keyId", err.Error())
	}
	err := s.store.DeleteAPIKey(ctx, id)
	if errors.Is(err, tenants.ErrNotFound) {
		return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_API_KEY_NOT_FOUND, "API key", id)
	}
	if err != nil {
		return nil, errs.Internal(err)
	}
	if err := s.record(ctx, &dsarv1.AuditEvent{
		Type:       dsarv1.AuditEventType_AUDIT_EVENT_TYPE_API_KEY_DELETED,
		Attributes: map[string]string{"keyId": id},
	}); err != nil {
		return nil, err
	}
	return &dsarv1.DeleteApiKeyResponse{}, nil
}
