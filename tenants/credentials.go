package tenants

import (
	"fmt"
	"time"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// FingerprintPurpose is the Sealer.Ref purpose of credential fingerprints.
const FingerprintPurpose = "credential-fingerprint"

// credentialsAAD binds sealed credentials to their tenant: a ciphertext
// copied into another tenant's record does not open.
func credentialsAAD(tenantID string) string { return "tenant-credentials|" + tenantID }

// CredentialsFrom returns the credentials carried by a public Tenant (or
// UpdateTenantRequest fields): nil when neither basic_auth nor oauth2 is
// set, ErrInvalid when both are.
func CredentialsFrom(basic *dsarv1.BasicAuth, oauth *dsarv1.OAuth2) (*storagev1.Credentials, error) {
	switch {
	case basic != nil && oauth != nil:
		return nil, fmt.Errorf("tenants: %w: both basic_auth and oauth2 are set", ErrInvalid)
	case basic != nil:
		return &storagev1.Credentials{Kind: &storagev1.Credentials_Basic{Basic: proto.CloneOf(basic)}}, nil
	case oauth != nil:
		return &storagev1.Credentials{Kind: &storagev1.Credentials_Oauth2{Oauth2: proto.CloneOf(oauth)}}, nil
	}
	return nil, nil
}

// checkCredentials is the store's backstop: exactly one kind, with a
// principal and a secret.
func checkCredentials(c *storagev1.Credentials) error {
	switch k := c.GetKind().(type) {
	case *storagev1.Credentials_Basic:
		if k.Basic.GetUsername() != "" && k.Basic.GetPassword() != "" {
			return nil
		}
	case *storagev1.Credentials_Oauth2:
		if k.Oauth2.GetClientId() != "" && k.Oauth2.GetClientSecret() != "" {
			return nil
		}
	}
	return fmt.Errorf("tenants: %w: credentials need a user name and password, or a client id and secret", ErrInvalid)
}

// credentialInfo describes c without revealing its secret.
func (s *Store) credentialInfo(c *storagev1.Credentials, at time.Time) *dsarv1.CredentialInfo {
	info := &dsarv1.CredentialInfo{UpdateTime: timestamppb.New(at)}
	var secret string
	switch k := c.GetKind().(type) {
	case *storagev1.Credentials_Basic:
		info.Type, info.Principal, secret = dsarv1.CredentialType_CREDENTIAL_TYPE_BASIC, k.Basic.GetUsername(), k.Basic.GetPassword()
	case *storagev1.Credentials_Oauth2:
		info.Type, info.Principal, secret = dsarv1.CredentialType_CREDENTIAL_TYPE_OAUTH2, k.Oauth2.GetClientId(), k.Oauth2.GetClientSecret()
	}
	info.Fingerprint = s.sealer.Ref(FingerprintPurpose, secret)[:12]
	return info
}

// sealCredentials encrypts c for tenantID.
func (s *Store) sealCredentials(tenantID string, c *storagev1.Credentials) ([]byte, error) {
	pt, err := proto.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("tenants: encode credentials: %w", err)
	}
	defer clear(pt)
	return s.sealer.Seal(credentialsAAD(tenantID), pt)
}

// openCredentials decrypts the credentials sealed for tenantID.
func (s *Store) openCredentials(tenantID string, sealed []byte) (*storagev1.Credentials, error) {
	pt, err := s.sealer.Open(credentialsAAD(tenantID), sealed)
	if err != nil {
		return nil, fmt.Errorf("tenants: credentials of tenant %q: %w", tenantID, err)
	}
	defer clear(pt)
	c := &storagev1.Credentials{}
	if err := proto.Unmarshal(pt, c); err != nil {
		return nil, fmt.Errorf("tenants: decode credentials of tenant %q: %w", tenantID, err)
	}
	return c, nil
}
