package tenants

import (
	"bytes"
	"context"
	"fmt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
)

// Page sizes of ListTenants.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// pageKindTenants tags tenant page tokens so they are not accepted elsewhere.
const pageKindTenants = "tenants"

// ListOptions selects and pages tenants.
type ListOptions struct {
	// CustomerID, when set, keeps only that customer's tenants.
	CustomerID string
	// Labels keeps only tenants carrying all these labels.
	Labels map[string]string
	// PageSize is the page length: <= 0 means 50, more than 1000 means 1000.
	PageSize int
	// PageToken continues a previous listing ("" = first page).
	PageToken string
}

// ListTenants returns one page of tenants ordered by tenant_id, without
// secrets, and the token of the next page ("" on the last). A token the
// store did not make gives ErrInvalid.
func (s *Store) ListTenants(ctx context.Context, o ListOptions) ([]*dsarv1.Tenant, string, error) {
	after, err := validate.DecodePageToken(pageKindTenants, o.PageToken)
	if err != nil {
		return nil, "", fmt.Errorf("tenants: %w: page token %s", ErrInvalid, err)
	}
	size := clampPageSize(o.PageSize, DefaultPageSize, MaxPageSize)
	var out []*dsarv1.Tenant
	next := ""
	err = s.run(ctx, "ListTenants", false, func(tx *bolt.Tx) error {
		c := tx.Bucket(BucketTenants).Cursor()
		k, v := c.First()
		if after != "" {
			k, v = c.Seek([]byte(after))
			if bytes.Equal(k, []byte(after)) {
				k, v = c.Next()
			}
		}
		for ; k != nil; k, v = c.Next() {
			rec := &storagev1.TenantRecord{}
			if err := proto.Unmarshal(v, rec); err != nil {
				return fmt.Errorf("tenants: decode tenant %q: %w", k, err)
			}
			if !matches(rec.GetTenant(), o) {
				continue
			}
			if len(out) == size {
				next = validate.EncodePageToken(pageKindTenants, out[len(out)-1].GetTenantId())
				return nil
			}
			out = append(out, rec.GetTenant())
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

func matches(t *dsarv1.Tenant, o ListOptions) bool {
	if o.CustomerID != "" && t.GetCustomerId() != o.CustomerID {
		return false
	}
	for k, want := range o.Labels {
		if got, ok := t.GetLabels()[k]; !ok || got != want {
			return false
		}
	}
	return true
}

func clampPageSize(n, def, max int) int {
	switch {
	case n <= 0:
		return def
	case n > max:
		return max
	}
	return n
}
