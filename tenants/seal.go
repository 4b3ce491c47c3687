package tenants

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// MasterKeySize is the length of the master key in bytes.
const MasterKeySize = 32

// ErrUnseal is returned when a sealed value does not open: wrong key, wrong
// additional data (e.g. copied to another tenant), or tampering.
var ErrUnseal = errors.New("sealed value does not open")

// Sealer encrypts secrets at rest with AES-256-GCM under the master key and
// derives keyed hashes (references) that reveal nothing without the key.
type Sealer struct {
	aead   cipher.AEAD
	refKey []byte
}

// ParseMasterKey decodes MAUTIC_DSAR_MASTER_KEY (standard or URL-safe
// base64 of exactly 32 bytes).
func ParseMasterKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != MasterKeySize {
				return nil, fmt.Errorf("master key must be %d bytes, got %d", MasterKeySize, len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("master key is not base64")
}

// NewMasterKey returns a fresh random master key, base64-encoded.
func NewMasterKey() (string, error) {
	b := make([]byte, MasterKeySize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// NewSealer builds a Sealer from a 32-byte master key. Separate subkeys are
// derived for encryption and for references, so neither use weakens the
// other.
func NewSealer(masterKey []byte) (*Sealer, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("master key must be %d bytes", MasterKeySize)
	}
	encKey := derive(masterKey, "mautic-dsar/seal/v1")
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, refKey: derive(masterKey, "mautic-dsar/ref/v1")}, nil
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal encrypts plaintext bound to aad; the result is nonce || ciphertext.
func (s *Sealer) Seal(aad string, plaintext []byte) ([]byte, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(plaintext)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return s.aead.Seal(nonce, nonce, plaintext, []byte(aad)), nil
}

// Open decrypts a value made by Seal with the same aad.
func (s *Sealer) Open(aad string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n+s.aead.Overhead() {
		return nil, ErrUnseal
	}
	pt, err := s.aead.Open(nil, sealed[:n], sealed[n:], []byte(aad))
	if err != nil {
		return nil, ErrUnseal
	}
	return pt, nil
}

// Ref is a keyed hash (HMAC-SHA256 under a derived key) of value within a
// purpose, hex-encoded: stable for the same input, unlinkable without the
// master key. Use it for subject references and fingerprints.
func (s *Sealer) Ref(purpose, value string) string {
	m := hmac.New(sha256.New, s.refKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}
