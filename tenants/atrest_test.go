package tenants

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"testing"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
)

func TestSealedCredentialsBoundToTenant(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, t.TempDir())
	for _, tn := range []*dsarv1.Tenant{basicTenant("alpha", "a", "alpha-pw"), oauthTenant("beta", "b", "beta-secret")} {
		if _, err := s.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	var sealedAlpha []byte
	if err := s.View(ctx, "test", func(tx *bolt.Tx) error {
		rec := &storagev1.TenantRecord{}
		if err := proto.Unmarshal(tx.Bucket(BucketTenants).Get([]byte("alpha")), rec); err != nil {
			return err
		}
		sealedAlpha = rec.SealedCredentials
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sealer().Open(credentialsAAD("alpha"), sealedAlpha); err != nil {
		t.Fatalf("opens under own AAD: %v", err)
	}
	if _, err := s.Sealer().Open(credentialsAAD("beta"), sealedAlpha); !errors.Is(err, ErrUnseal) {
		t.Fatalf("opened under another tenant's AAD: %v", err)
	}
	// Copy alpha's sealed credentials into beta's record: beta must not open.
	if err := s.Update(ctx, "test", func(tx *bolt.Tx) error {
		b := tx.Bucket(BucketTenants)
		rec := &storagev1.TenantRecord{}
		if err := proto.Unmarshal(b.Get([]byte("beta")), rec); err != nil {
			return err
		}
		rec.SealedCredentials = sealedAlpha
		v, err := proto.Marshal(rec)
		if err != nil {
			return err
		}
		return b.Put([]byte("beta"), v)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Credentials(ctx, "beta"); !errors.Is(err, ErrUnseal) {
		t.Fatalf("transplanted credentials opened: %v", err)
	}
	other, _ := NewSealer(bytes.Repeat([]byte{9}, MasterKeySize))
	if _, err := other.Open(credentialsAAD("alpha"), sealedAlpha); !errors.Is(err, ErrUnseal) {
		t.Fatalf("opened under another master key: %v", err)
	}
}

func TestNoPlaintextSecretsOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := openTestStore(t, dir)
	canaries := []string{"CANARY-basic-password-7f3a", "CANARY-client-secret-91bd", "CANARY-rotated-password-c2e0"}
	if _, err := s.CreateTenant(ctx, basicTenant("basic", "acme", canaries[0])); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateTenant(ctx, oauthTenant("oauth", "acme", canaries[1])); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateTenant(ctx, "oauth", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error {
		t.BasicAuth = &dsarv1.BasicAuth{Username: "api", Password: canaries[2]}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	_, keySecret, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_OPERATOR, "", "ops")
	if err != nil {
		t.Fatal(err)
	}
	canaries = append(canaries, keySecret)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, DBFileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("oauth.example.com")) {
		t.Fatal("sanity: the public base URL should be stored in clear")
	}
	for _, c := range canaries {
		if bytes.Contains(raw, []byte(c)) {
			t.Errorf("secret %.12s… found in plain text in %s", c, DBFileName)
		}
	}
}

func TestFileLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, _ := openTestStore(t, dir)
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data dir mode = %v, %v; want 0700", fi.Mode().Perm(), err)
	}
	fi, err = os.Stat(filepath.Join(dir, DBFileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("db file mode = %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	if err := s.View(context.Background(), "test", func(tx *bolt.Tx) error {
		v := tx.Bucket(BucketMeta).Get(keySchemaVersion)
		if len(v) != 8 || binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("schema version = %x, want %d", v, SchemaVersion)
		}
		for _, b := range allBuckets {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !s.Ready() {
		t.Fatal("not ready")
	}
}

func TestOpenRejectsNewerSchemaAndLockedFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, _ := openTestStore(t, dir)
	if _, err := Open(ctx, dir, newTestSealer(t), WithOpenTimeout(50_000_000)); err == nil {
		t.Fatal("second Open of a locked file succeeded")
	}
	if err := s.Update(ctx, "test", func(tx *bolt.Tx) error {
		var buf [8]byte
		binary.BigEndian.PutUint64(buf[:], SchemaVersion+1)
		return tx.Bucket(BucketMeta).Put(keySchemaVersion, buf[:])
	}); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if s2, err := Open(ctx, dir, newTestSealer(t)); err == nil {
		_ = s2.Close()
		t.Fatal("opened a file of a newer schema")
	}
}
