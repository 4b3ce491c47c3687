package tenants

import (
	"context"
	"fmt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// UpdateTenant changes a tenant in one write transaction. fn gets a copy of
// the tenant and the unsealed current credentials; it may change the tenant
// and replace the credentials in place (proto.Reset and set, or set
// basic_auth/oauth2 on the tenant). fn runs inside the transaction: it must
// do no I/O and call no Store method. An error from fn is returned as is and
// nothing changes. Changed credentials are re-sealed and their credential
// info renewed; tenant_id, create_time and credential are kept by the store;
// update_time is set. Returns the tenant without secrets, or ErrNotFound.
func (s *Store) UpdateTenant(ctx context.Context, tenantID string, fn func(t *dsarv1.Tenant, creds *storagev1.Credentials) error) (*dsarv1.Tenant, error) {
	var out *dsarv1.Tenant
	err := s.run(ctx, "UpdateTenant", true, func(tx *bolt.Tx) error {
		rec, err := getTenantRecord(tx, tenantID)
		if err != nil {
			return err
		}
		old, err := s.openCredentials(tenantID, rec.GetSealedCredentials())
		if err != nil {
			return err
		}
		t, creds := proto.CloneOf(rec.GetTenant()), proto.CloneOf(old)
		if err := fn(t, creds); err != nil {
			return err
		}
		if t.GetTenantId() != tenantID {
			return fmt.Errorf("tenants: %w: tenant_id is immutable", ErrInvalid)
		}
		if t.BasicAuth != nil || t.Oauth2 != nil {
			set, err := CredentialsFrom(t.BasicAuth, t.Oauth2)
			if err != nil {
				return err
			}
			proto.Reset(creds)
			proto.Merge(creds, set)
			t.BasicAuth, t.Oauth2 = nil, nil
		}
		if err := checkCredentials(creds); err != nil {
			return err
		}
		now := s.now()
		t.CreateTime, t.Credential = rec.GetTenant().GetCreateTime(), rec.GetTenant().GetCredential()
		t.UpdateTime = timestamppb.New(now)
		sealed := rec.GetSealedCredentials()
		if !proto.Equal(creds, old) {
			if sealed, err = s.sealCredentials(tenantID, creds); err != nil {
				return err
			}
			t.Credential = s.credentialInfo(creds, now)
		}
		val, err := proto.Marshal(&storagev1.TenantRecord{Tenant: t, SealedCredentials: sealed})
		if err != nil {
			return fmt.Errorf("tenants: encode tenant: %w", err)
		}
		out = t
		return tx.Bucket(BucketTenants).Put([]byte(tenantID), val)
	}, tenantAttr(tenantID))
	if err != nil {
		return nil, err
	}
	return out, nil
}
