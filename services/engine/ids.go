package engine

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

// lowerHex32 is base32hex in lower case: its sort order is the numeric one.
var lowerHex32 = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// newRequestID returns "r" + 13 base32hex characters of t's Unix nanoseconds
// + 8 random base32hex characters: sortable by creation time (so newest
// first is a reverse key scan), unguessable, and within the id charset
// ^[a-z0-9][a-z0-9-]{0,62}$ used for page tokens and URLs.
func newRequestID(t time.Time) string {
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(t.UnixNano()))
	var rnd [5]byte
	_, _ = rand.Read(rnd[:])
	// 8 bytes encode to 13 characters; the leading bits are zero-padded
	// consistently, so the order is preserved.
	return "r" + strings.ToLower(lowerHex32.EncodeToString(ts[:])) + lowerHex32.EncodeToString(rnd[:])
}

// validRequestID reports whether s can be a request id (cheap syntax check
// before touching the store).
func validRequestID(s string) bool {
	if len(s) != 22 || s[0] != 'r' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'v') {
			return false
		}
	}
	return true
}
