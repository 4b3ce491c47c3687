package validate

import (
	"errors"
	"strings"
)

// Email length limits from RFC 5321 (section 4.5.3.1).
const (
	maxEmailLen  = 254
	maxLocalLen  = 64
	maxDomainLen = 253
	maxLabelLen  = 63
)

var (
	errEmailSyntax = errors.New("is not a valid email address (expected local-part@domain.tld, ASCII only)")
	errEmailEmpty  = errors.New("is required")
)

// NormalizeEmail trims surrounding white space, lower-cases s and checks a
// strict syntax: an RFC 5322 dot-atom local part (no quoted strings, no
// comments) of at most 64 bytes, "@", and a domain of at least two
// letter-digit-hyphen labels whose last label is not all digits. The result
// is what subjects are matched on (exactly, never by prefix). The error text
// never contains s.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errEmailEmpty
	}
	if len(s) > maxEmailLen {
		return "", errors.New("is too long (at most 254 characters)")
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at != strings.LastIndexByte(s, '@') {
		return "", errEmailSyntax
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxLocalLen || !dotAtom(local) || !hostname(domain, true) {
		return "", errEmailSyntax
	}
	return s, nil
}

// dotAtom reports whether s is a non-empty RFC 5322 dot-atom of lower-case
// ASCII atext.
func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.':
		case strings.IndexByte("!#$%&'*+/=?^_`{|}~-", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// hostname reports whether s is a DNS name of letter-digit-hyphen labels
// (lower-case only when lower is set), each 1-63 bytes, hyphens not at a
// label's ends. When lower is set (email domains) at least two labels are
// required and the last may not be all digits.
func hostname(s string, lower bool) bool {
	if s == "" || len(s) > maxDomainLen {
		return false
	}
	labels := strings.Split(s, ".")
	if lower && len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > maxLabelLen || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			case !lower && c >= 'A' && c <= 'Z':
			default:
				return false
			}
		}
	}
	if lower {
		last := labels[len(labels)-1]
		if strings.Trim(last, "0123456789") == "" {
			return false
		}
	}
	return true
}
