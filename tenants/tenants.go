package tenants

import (
	"context"
	"fmt"
	"time"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel/attribute"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Defaults applied to new tenants.
const (
	DefaultMaxConcurrency = 4
	DefaultCallTimeout    = 30 * time.Second
)

func tenantAttr(id string) attribute.KeyValue { return attribute.String("dsar.tenant_id", id) }

// CreateTenant stores a new tenant. t must carry exactly one of basic_auth
// and oauth2; they are sealed (AAD "tenant-credentials|"+id) and the returned
// Tenant has no secrets, but its credential info set. Empty fields get the
// defaults (max_concurrency 4, call_timeout 30s, display_name = tenant_id).
// It returns ErrAlreadyExists when the id is taken and ErrInvalid when the
// id is outside the safe charset or the credentials are missing.
func (s *Store) CreateTenant(ctx context.Context, t *dsarv1.Tenant) (*dsarv1.Tenant, error) {
	id := t.GetTenantId()
	if err := validate.TenantID(id); err != nil {
		return nil, fmt.Errorf("tenants: %w: tenant id %s", ErrInvalid, err)
	}
	creds, err := CredentialsFrom(t.GetBasicAuth(), t.GetOauth2())
	if err != nil {
		return nil, err
	}
	if err := checkCredentials(creds); err != nil {
		return nil, err
	}
	now := s.now()
	pub := proto.CloneOf(t)
	pub.BasicAuth, pub.Oauth2 = nil, nil
	if pub.DisplayName == "" {
		pub.DisplayName = id
	}
	if pub.MaxConcurrency == 0 {
		pub.MaxConcurrency = DefaultMaxConcurrency
	}
	if pub.CallTimeout == nil {
		pub.CallTimeout = durationpb.New(DefaultCallTimeout)
	}
	pub.CreateTime, pub.UpdateTime = timestamppb.New(now), timestamppb.New(now)
	pub.Credential = s.credentialInfo(creds, now)
	sealed, err := s.sealCredentials(id, creds)
	if err != nil {
		return nil, err
	}
	val, err := proto.Marshal(&storagev1.TenantRecord{Tenant: pub, SealedCredentials: sealed})
	if err != nil {
		return nil, fmt.Errorf("tenants: encode tenant: %w", err)
	}
	err = s.run(ctx, "CreateTenant", true, func(tx *bolt.Tx) error {
		b := tx.Bucket(BucketTenants)
		if b.Get([]byte(id)) != nil {
			return fmt.Errorf("tenants: tenant %q: %w", id, ErrAlreadyExists)
		}
		return b.Put([]byte(id), val)
	}, tenantAttr(id))
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// GetTenant returns one tenant without secrets, or ErrNotFound.
func (s *Store) GetTenant(ctx context.Context, tenantID string) (*dsarv1.Tenant, error) {
	var rec *storagev1.TenantRecord
	err := s.run(ctx, "GetTenant", false, func(tx *bolt.Tx) error {
		var err error
		rec, err = getTenantRecord(tx, tenantID)
		return err
	}, tenantAttr(tenantID))
	if err != nil {
		return nil, err
	}
	return rec.GetTenant(), nil
}

// Credentials returns the unsealed credentials of a tenant, for the Mautic
// client only: never log, trace, store or return them.
func (s *Store) Credentials(ctx context.Context, tenantID string) (*storagev1.Credentials, error) {
	var sealed []byte
	err := s.run(ctx, "Credentials", false, func(tx *bolt.Tx) error {
		rec, err := getTenantRecord(tx, tenantID)
		if err == nil {
			sealed = rec.GetSealedCredentials()
		}
		return err
	}, tenantAttr(tenantID))
	if err != nil {
		return nil, err
	}
	return s.openCredentials(tenantID, sealed)
}

// DeleteTenant removes a tenant and its sealed credentials, or returns
// ErrNotFound.
func (s *Store) DeleteTenant(ctx context.Context, tenantID string) error {
	return s.run(ctx, "DeleteTenant", true, func(tx *bolt.Tx) error {
		b := tx.Bucket(BucketTenants)
		if tenantID == "" || b.Get([]byte(tenantID)) == nil {
			return fmt.Errorf("tenants: tenant %q: %w", tenantID, ErrNotFound)
		}
		return b.Delete([]byte(tenantID))
	}, tenantAttr(tenantID))
}

// getTenantRecord decodes a tenant's record (a copy, safe to keep after the
// transaction).
func getTenantRecord(tx *bolt.Tx, tenantID string) (*storagev1.TenantRecord, error) {
	v := tx.Bucket(BucketTenants).Get([]byte(tenantID))
	if v == nil || tenantID == "" {
		return nil, fmt.Errorf("tenants: tenant %q: %w", tenantID, ErrNotFound)
	}
	rec := &storagev1.TenantRecord{}
	if err := proto.Unmarshal(v, rec); err != nil {
		return nil, fmt.Errorf("tenants: decode tenant %q: %w", tenantID, err)
	}
	return rec, nil
}
