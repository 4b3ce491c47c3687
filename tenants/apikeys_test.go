package tenants

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, t.TempDir())
	for _, tc := range []struct {
		name     string
		role     dsarv1.Role
		customer string
		ok       bool
	}{
		{"operator", dsarv1.Role_ROLE_OPERATOR, "", true},
		{"auditor", dsarv1.Role_ROLE_AUDITOR, "", true},
		{"customer", dsarv1.Role_ROLE_CUSTOMER, "acme", true},
		{"customer without id", dsarv1.Role_ROLE_CUSTOMER, "", false},
		{"customer bad id", dsarv1.Role_ROLE_CUSTOMER, "Acme/x", false},
		{"operator with customer", dsarv1.Role_ROLE_OPERATOR, "acme", false},
		{"unspecified", dsarv1.Role_ROLE_UNSPECIFIED, "", false},
		{"unknown", dsarv1.Role(42), "", false},
	} {
		key, secret, err := s.CreateAPIKey(ctx, tc.role, tc.customer, tc.name)
		if !tc.ok {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: err = %v, want ErrInvalid", tc.name, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		raw, derr := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(secret, APIKeySecretPrefix))
		if !strings.HasPrefix(secret, APIKeySecretPrefix) || derr != nil || len(raw) != 32 {
			t.Errorf("%s: secret format wrong (len %d, %v)", tc.name, len(raw), derr)
		}
		if validate.TenantID(key.KeyId) != nil {
			t.Errorf("%s: key id %q outside the id charset", tc.name, key.KeyId)
		}
		got, err := s.LookupAPIKey(ctx, secret)
		if err != nil || got.KeyId != key.KeyId || got.Role != tc.role || got.CustomerId != tc.customer {
			t.Errorf("%s: lookup = %v, %v", tc.name, got, err)
		}
		if _, err := s.LookupAPIKey(ctx, secret+"x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: lookup of a wrong secret: %v", tc.name, err)
		}
	}
	if _, err := s.LookupAPIKey(ctx, ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("lookup of empty secret: %v", err)
	}

	// Paging and revocation.
	for i := 0; i < 7; i++ {
		if _, _, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_AUDITOR, "", "bulk"); err != nil {
			t.Fatal(err)
		}
	}
	var all []*dsarv1.ApiKey
	tok := ""
	for pages := 1; ; pages++ {
		page, next, err := s.ListAPIKeys(ctx, 4, tok)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if next == "" {
			if pages != 3 {
				t.Errorf("pages = %d, want 3", pages)
			}
			break
		}
		tok = next
	}
	if len(all) != 10 {
		t.Fatalf("listed %d keys, want 10", len(all))
	}
	if _, _, err := s.ListAPIKeys(ctx, 4, validate.EncodePageToken("tenants", "x")); !errors.Is(err, ErrInvalid) {
		t.Errorf("tenant token accepted by ListAPIKeys: %v", err)
	}
	key, secret, _ := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_CUSTOMER, "acme", "to revoke")
	if err := s.DeleteAPIKey(ctx, key.KeyId); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupAPIKey(ctx, secret); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked key still resolves: %v", err)
	}
	if err := s.DeleteAPIKey(ctx, key.KeyId); !errors.Is(err, ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}

func BenchmarkLookupAPIKey(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b, b.TempDir())
	_, secret, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_OPERATOR, "", "bench")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.LookupAPIKey(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
}
