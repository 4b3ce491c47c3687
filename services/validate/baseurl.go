package validate

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// MaxBaseURLLen is the longest accepted Mautic base URL.
const MaxBaseURLLen = 2048

// BaseURL checks a Mautic base URL: an absolute https URL (http too when
// allowHTTP), with a host name or IP address, an optional port and path, and
// no user info, query or fragment. The error text never contains s, which
// may hold credentials.
func BaseURL(s string, allowHTTP bool) error {
	_, err := NormalizeBaseURL(s, allowHTTP)
	return err
}

// NormalizeBaseURL checks s like BaseURL and returns it with a lower-case
// scheme and host and without trailing slashes, ready for "/api/..." to be
// appended.
func NormalizeBaseURL(s string, allowHTTP bool) (string, error) {
	if s == "" {
		return "", errors.New("is required")
	}
	if len(s) > MaxBaseURLLen {
		return "", errors.New("is too long (at most 2048 characters)")
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "", errors.New("must not contain spaces, control characters, backslashes or non-ASCII characters")
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", errors.New("is not a valid URL")
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https":
	case scheme == "http" && allowHTTP:
	case scheme == "http":
		return "", errors.New("must use https (http is only allowed when the server runs with --allow-http-mautic)")
	default:
		return "", errors.New("must be an absolute https URL of the form https://host[:port][/path]")
	}
	if u.Opaque != "" || !strings.HasPrefix(s[len(u.Scheme):], "://") {
		return "", errors.New("must be an absolute https URL of the form https://host[:port][/path]")
	}
	if u.User != nil || strings.Contains(u.Host, "@") {
		return "", errors.New("must not contain credentials; set basicAuth or oauth2 instead")
	}
	if u.RawQuery != "" || u.ForceQuery || strings.Contains(s, "?") {
		return "", errors.New("must not contain a query string")
	}
	if u.Fragment != "" || strings.Contains(s, "#") {
		return "", errors.New("must not contain a fragment")
	}
	host := u.Hostname()
	if host == "" {
		return "", errors.New("must name a host")
	}
	if ip := net.ParseIP(host); ip == nil {
		if strings.Contains(u.Host, "[") || !hostname(host, false) {
			return "", errors.New("has an invalid host name")
		}
	}
	if p := u.Port(); p != "" || strings.HasSuffix(u.Host, ":") {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 || p[0] == '0' {
			return "", errors.New("has an invalid port (1-65535)")
		}
	}
	if strings.Contains(u.Path, "/../") || strings.HasSuffix(u.Path, "/..") || strings.Contains(u.Path, "/./") {
		return "", errors.New("must not contain dot segments in its path")
	}
	u.Scheme = scheme
	u.Host = strings.ToLower(u.Host)
	out := strings.TrimRight(u.String(), "/")
	return out, nil
}
