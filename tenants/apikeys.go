package tenants

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// APIKeySecretPrefix starts every API key secret, so that leaked keys are
// easy to recognise (secret scanners) and to tell from other tokens.
const APIKeySecretPrefix = "mdsar_"

// Page sizes of ListAPIKeys.
const (
	DefaultAPIKeyPageSize = 50
	MaxAPIKeyPageSize     = 500
)

const pageKindAPIKeys = "apikeys"

// newAPIKeySecret returns "mdsar_" + base64url(32 random bytes) and an id
// "key-" + 16 hex digits (within the TenantID charset, so safe in paths).
func newAPIKeySecret() (id, secret string, err error) {
	var b [32 + 8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	return "key-" + hex.EncodeToString(b[32:]), APIKeySecretPrefix + base64.RawURLEncoding.EncodeToString(b[:32]), nil
}

func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateAPIKey stores a new key and returns it with its secret, which is
// kept only as a SHA-256 hash and can never be read again. Customer keys need
// a valid customerID; other roles must have none (ErrInvalid otherwise).
func (s *Store) CreateAPIKey(ctx context.Context, role dsarv1.Role, customerID, description string) (*dsarv1.ApiKey, string, error) {
	switch role {
	case dsarv1.Role_ROLE_OPERATOR, dsarv1.Role_ROLE_AUDITOR:
		if customerID != "" {
			return nil, "", fmt.Errorf("tenants: %w: only customer keys have a customer", ErrInvalid)
		}
	case dsarv1.Role_ROLE_CUSTOMER:
		if err := validate.CustomerID(customerID); err != nil {
			return nil, "", fmt.Errorf("tenants: %w: customer id %s", ErrInvalid, err)
		}
	default:
		return nil, "", fmt.Errorf("tenants: %w: unknown role", ErrInvalid)
	}
	id, secret, err := newAPIKeySecret()
	if err != nil {
		return nil, "", fmt.Errorf("tenants: generate key: %w", err)
	}
	key := &dsarv1.ApiKey{KeyId: id, Role: role, CustomerId: customerID, Description: description, CreateTime: timestamppb.New(s.now())}
	hash := hashSecret(secret)
	val, err := proto.Marshal(&storagev1.ApiKeyRecord{Key: key, SecretSha256: hash})
	if err != nil {
		return nil, "", fmt.Errorf("tenants: encode key: %w", err)
	}
	err = s.run(ctx, "CreateAPIKey", true, func(tx *bolt.Tx) error {
		keys, hashes := tx.Bucket(BucketAPIKeys), tx.Bucket(BucketAPIKeyHashes)
		if keys.Get([]byte(id)) != nil || hashes.Get(hash) != nil {
			return fmt.Errorf("tenants: key id collision: %w", ErrAlreadyExists)
		}
		if err := keys.Put([]byte(id), val); err != nil {
			return err
		}
		return hashes.Put(hash, []byte(id))
	})
	if err != nil {
		return nil, "", err
	}
	return key, secret, nil
}

// LookupAPIKey finds the key whose secret this is (by its SHA-256, compared
// in constant time), or returns ErrNotFound for unknown and revoked keys.
func (s *Store) LookupAPIKey(ctx context.Context, secret string) (*dsarv1.ApiKey, error) {
	hash := hashSecret(secret)
	var key *dsarv1.ApiKey
	err := s.run(ctx, "LookupAPIKey", false, func(tx *bolt.Tx) error {
		id := tx.Bucket(BucketAPIKeyHashes).Get(hash)
		rec := &storagev1.ApiKeyRecord{}
		if id != nil {
			v := tx.Bucket(BucketAPIKeys).Get(id)
			if v == nil {
				return fmt.Errorf("tenants: api key: %w", ErrNotFound)
			}
			if err := proto.Unmarshal(v, rec); err != nil {
				return fmt.Errorf("tenants: decode api key: %w", err)
			}
		}
		if subtle.ConstantTimeCompare(rec.GetSecretSha256(), hash) != 1 || secret == "" {
			return fmt.Errorf("tenants: api key: %w", ErrNotFound)
		}
		key = rec.GetKey()
		return nil
	})
	return key, err
}

// ListAPIKeys returns one page of keys ordered by key_id (never secrets or
// hashes) and the next page's token ("" on the last page).
func (s *Store) ListAPIKeys(ctx context.Context, pageSize int, pageToken string) ([]*dsarv1.ApiKey, string, error) {
	after, err := validate.DecodePageToken(pageKindAPIKeys, pageToken)
	if err != nil {
		return nil, "", fmt.Errorf("tenants: %w: page token %s", ErrInvalid, err)
	}
	size := clampPageSize(pageSize, DefaultAPIKeyPageSize, MaxAPIKeyPageSize)
	var out []*dsarv1.ApiKey
	next := ""
	err = s.run(ctx, "ListAPIKeys", false, func(tx *bolt.Tx) error {
		c := tx.Bucket(BucketAPIKeys).Cursor()
		k, v := c.First()
		if after != "" {
			k, v = c.Seek([]byte(after))
			if string(k) == after {
				k, v = c.Next()
			}
		}
		for ; k != nil; k, v = c.Next() {
			if len(out) == size {
				next = validate.EncodePageToken(pageKindAPIKeys, out[len(out)-1].GetKeyId())
				return nil
			}
			rec := &storagev1.ApiKeyRecord{}
			if err := proto.Unmarshal(v, rec); err != nil {
				return fmt.Errorf("tenants: decode api key: %w", err)
			}
			out = append(out, rec.GetKey())
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// DeleteAPIKey revokes a key at once, or returns ErrNotFound.
func (s *Store) DeleteAPIKey(ctx context.Context, keyID string) error {
	return s.run(ctx, "DeleteAPIKey", true, func(tx *bolt.Tx) error {
		keys := tx.Bucket(BucketAPIKeys)
		v := keys.Get([]byte(keyID))
		if v == nil || keyID == "" {
			return fmt.Errorf("tenants: api key %q: %w", keyID, ErrNotFound)
		}
		rec := &storagev1.ApiKeyRecord{}
		if err := proto.Unmarshal(v, rec); err != nil {
			return fmt.Errorf("tenants: decode api key: %w", err)
		}
		if err := tx.Bucket(BucketAPIKeyHashes).Delete(rec.GetSecretSha256()); err != nil {
			return err
		}
		return keys.Delete([]byte(keyID))
	})
}
