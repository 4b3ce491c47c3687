package validate

import (
	"errors"
	"fmt"
	"strings"
)

// Label limits.
const (
	MaxLabels   = 64
	MaxLabelLen = 63
)

// Labels checks a label map: at most 64 entries; keys 1-63 characters and
// values 0-63 characters of [a-z0-9._-].
func Labels(m map[string]string) error {
	if len(m) > MaxLabels {
		return fmt.Errorf("has %d labels, at most %d are allowed", len(m), MaxLabels)
	}
	for k, v := range m {
		if k == "" {
			return errors.New("has an empty label key")
		}
		if !labelText(k) {
			return errors.New("has a key that is not 1-63 characters of a-z, 0-9, '.', '_' and '-'")
		}
		if !labelText(v) && v != "" {
			return fmt.Errorf("label %q has a value that is not 0-63 characters of a-z, 0-9, '.', '_' and '-'", k)
		}
	}
	return nil
}

func labelText(s string) bool {
	if s == "" || len(s) > MaxLabelLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// LabelSelector parses "k=v,k2=v2" (white space around terms is ignored)
// into the labels a tenant must carry, all of them. "" selects everything
// and yields a nil map.
func LabelSelector(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if len(s) > 4096 {
		return nil, errors.New("is too long (at most 4096 characters)")
	}
	m := map[string]string{}
	for _, term := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(term), "=")
		if !ok {
			return nil, errors.New("must be a comma-separated list of key=value terms")
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if old, dup := m[k]; dup && old != v {
			return nil, errors.New("names the same key twice with different values")
		}
		m[k] = v
	}
	if err := Labels(m); err != nil {
		return nil, err
	}
	return m, nil
}
