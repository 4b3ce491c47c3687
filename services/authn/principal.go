package authn

import (
	"context"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
)

// Principal is the authenticated caller.
type Principal struct {
	// KeyID is the API key's id ("bootstrap" for the operator key from the
	// environment).
	KeyID string
	// Role is what the key may do.
	Role dsarv1.Role
	// CustomerID binds ROLE_CUSTOMER keys to one customer.
	CustomerID string
}

// IsOperator reports whether p may do everything.
func (p Principal) IsOperator() bool { return p.Role == dsarv1.Role_ROLE_OPERATOR }

// IsCustomer reports whether p is a customer key.
func (p Principal) IsCustomer() bool { return p.Role == dsarv1.Role_ROLE_CUSTOMER }

// IsAuditor reports whether p is a read-only auditor key.
func (p Principal) IsAuditor() bool { return p.Role == dsarv1.Role_ROLE_AUDITOR }

// CanSeeCustomer reports whether p may read objects of customerID. Auditors
// read everything (without subject data), operators everything.
func (p Principal) CanSeeCustomer(customerID string) bool {
	switch p.Role {
	case dsarv1.Role_ROLE_OPERATOR, dsarv1.Role_ROLE_AUDITOR:
		return true
	case dsarv1.Role_ROLE_CUSTOMER:
		return p.CustomerID != "" && p.CustomerID == customerID
	default:
		return false
	}
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the caller, if authenticated.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// System is the principal of the engine's own actions in the audit trail.
var System = Principal{KeyID: "system", Role: dsarv1.Role_ROLE_OPERATOR}
