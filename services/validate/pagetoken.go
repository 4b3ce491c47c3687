package validate

import (
	"encoding/base64"
	"errors"
	"strings"
)

// maxPageTokenLen bounds the token text before it is decoded.
const maxPageTokenLen = 256

var errPageToken = errors.New("is not a page token from a previous response of this method")

// EncodePageToken makes an opaque page token for a listing of kind (e.g.
// "tenants") that continues after the id last.
func EncodePageToken(kind, last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("v1:" + kind + ":" + last))
}

// DecodePageToken returns the id a token made by EncodePageToken for the
// same kind continues after. "" decodes to "" (the first page). Anything
// else that is not such a token, including tokens of another kind and ids
// outside the TenantID charset, is an error.
func DecodePageToken(kind, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	if len(token) > maxPageTokenLen {
		return "", errPageToken
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", errPageToken
	}
	rest, ok := strings.CutPrefix(string(raw), "v1:"+kind+":")
	if !ok || TenantID(rest) != nil {
		return "", errPageToken
	}
	return rest, nil
}
