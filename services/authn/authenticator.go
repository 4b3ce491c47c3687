package authn

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// BootstrapKeyID is the KeyID of the operator key from
// MAUTIC_DSAR_OPERATOR_KEY.
const BootstrapKeyID = "bootstrap"

// KeyStore finds a stored API key by its secret; *tenants.Store satisfies
// it. Unknown and revoked keys give an error wrapping tenants.ErrNotFound.
type KeyStore interface {
	LookupAPIKey(ctx context.Context, secret string) (*dsarv1.ApiKey, error)
}

// Authenticator turns a bearer key into a Principal.
type Authenticator struct {
	keys          KeyStore
	bootstrapHash [sha256.Size]byte
	hasBootstrap  bool
}

// NewAuthenticator checks bearer keys against the bootstrap operator key (if
// not empty; it is never stored) and then against keys (which may be nil).
func NewAuthenticator(keys KeyStore, bootstrapOperatorKey string) *Authenticator {
	a := &Authenticator{keys: keys}
	if bootstrapOperatorKey != "" {
		a.bootstrapHash = sha256.Sum256([]byte(bootstrapOperatorKey))
		a.hasBootstrap = true
	}
	return a
}

// Authenticate returns the caller behind bearer (the token, with or without
// a leading "Bearer "). The bootstrap key is compared in constant time
// (subtle.ConstantTimeCompare over SHA-256 digests, so its length does not
// leak either) and yields Principal{KeyID: "bootstrap", Role: OPERATOR};
// other keys are looked up by hash in the store. A missing, unknown or
// revoked key gives errs.Unauthenticated(); a store failure errs.Internal.
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (Principal, error) {
	token := strings.TrimSpace(bearer)
	if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
		token = strings.TrimSpace(token[7:])
	}
	if token == "" || len(token) > 1024 {
		return Principal{}, errs.Unauthenticated()
	}
	h := sha256.Sum256([]byte(token))
	if a.hasBootstrap && subtle.ConstantTimeCompare(h[:], a.bootstrapHash[:]) == 1 {
		return Principal{KeyID: BootstrapKeyID, Role: dsarv1.Role_ROLE_OPERATOR}, nil
	}
	if a.keys == nil {
		return Principal{}, errs.Unauthenticated()
	}
	key, err := a.keys.LookupAPIKey(ctx, token)
	switch {
	case errors.Is(err, tenants.ErrNotFound):
		return Principal{}, errs.Unauthenticated()
	case err != nil:
		return Principal{}, errs.Internal(err)
	}
	p := Principal{KeyID: key.GetKeyId(), Role: key.GetRole(), CustomerID: key.GetCustomerId()}
	if p.Role == dsarv1.Role_ROLE_UNSPECIFIED || (p.IsCustomer() && p.CustomerID == "") {
		return Principal{}, errs.Unauthenticated()
	}
	return p, nil
}
