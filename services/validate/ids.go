package validate

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// MaxIDLen is the longest tenant, customer or API key id.
const MaxIDLen = 63

// errID is the one description of a bad id, so that it never echoes the input.
var errID = errors.New("must be 1-63 characters of a-z, 0-9 and '-', starting with a letter or digit")

// TenantID checks a tenant id (also used for customer ids and API key ids):
// ^[a-z0-9][a-z0-9-]{0,62}$. Such ids are safe as bbolt keys and URL path
// segments: no NUL, no '/', no '.', no upper case.
func TenantID(s string) error {
	if s == "" {
		return errors.New("is required")
	}
	if len(s) > MaxIDLen {
		return fmt.Errorf("is too long (%d bytes, at most %d)", len(s), MaxIDLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0:
		default:
			return errID
		}
	}
	return nil
}

// CustomerID checks a customer id; the rules are those of TenantID.
func CustomerID(s string) error { return TenantID(s) }

// Text checks free text meant for humans (display names, descriptions): at
// most max bytes of valid UTF-8 without control characters.
func Text(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("is too long (%d bytes, at most %d)", len(s), max)
	}
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return errors.New("must not contain control characters")
		}
	}
	return nil
}
