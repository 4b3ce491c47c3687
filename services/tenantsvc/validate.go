package tenantsvc

import (
	"fmt"
	"strings"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Limits on tenant fields.
const (
	MinConcurrency  = 1
	MaxConcurrency  = 64
	MinCallTimeout  = time.Second
	MaxCallTimeout  = 5 * time.Minute
	maxDisplayName  = 200
	maxPrincipalLen = 256
	maxSecretLen    = 1024
	maxNoticeText   = 4096
	maxNoticeItems  = 64
)

// violations collects field violations under JSON field names.
type violations []errs.FieldViolation

func (v *violations) add(field string, err error) {
	if err != nil {
		*v = append(*v, errs.FieldViolation{Field: field, Description: err.Error()})
	}
}

func (v *violations) addf(field, format string, args ...any) {
	*v = append(*v, errs.FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
}

// err returns the collected violations as one InvalidArgument, or nil.
func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	return errs.Invalid(v...)
}

func (v *violations) customerID(s string) { v.add("customerId", validate.CustomerID(s)) }

func (v *violations) displayName(s string) { v.add("displayName", validate.Text(s, maxDisplayName)) }

// baseURL validates s and returns its normalized form.
func (v *violations) baseURL(s string, allowHTTP bool) string {
	out, err := validate.NormalizeBaseURL(s, allowHTTP)
	v.add("baseUrl", err)
	return out
}

func (v *violations) labels(m map[string]string) { v.add("labels", validate.Labels(m)) }

func (v *violations) maxConcurrency(n int32) {
	if n < MinConcurrency || n > MaxConcurrency {
		v.addf("maxConcurrency", "must be between %d and %d", MinConcurrency, MaxConcurrency)
	}
}

func (v *violations) callTimeout(d *durationpb.Duration) {
	if err := d.CheckValid(); err != nil {
		v.addf("callTimeout", "is not a valid duration")
		return
	}
	if x := d.AsDuration(); x < MinCallTimeout || x > MaxCallTimeout {
		v.addf("callTimeout", "must be between 1s and 5m")
	}
}

// credentials checks that exactly one of basic and oauth is set and
// complete; never echoes a value.
func (v *violations) credentials(basic *dsarv1.BasicAuth, oauth *dsarv1.OAuth2) {
	switch {
	case basic == nil && oauth == nil:
		v.addf("basicAuth", "credentials are required: set basicAuth {username, password} or oauth2 {clientId, clientSecret}")
	case basic != nil && oauth != nil:
		v.addf("oauth2", "set only one of basicAuth and oauth2")
	case basic != nil:
		v.principal("basicAuth.username", basic.GetUsername())
		if strings.Contains(basic.GetUsername(), ":") {
			v.addf("basicAuth.username", "must not contain ':' (HTTP Basic cannot carry it)")
		}
		v.secret("basicAuth.password", basic.GetPassword())
	default:
		v.principal("oauth2.clientId", oauth.GetClientId())
		v.secret("oauth2.clientSecret", oauth.GetClientSecret())
	}
}

func (v *violations) principal(field, s string) {
	if s == "" {
		v.addf(field, "is required")
		return
	}
	v.add(field, validate.Text(s, maxPrincipalLen))
}

func (v *violations) secret(field, s string) {
	switch {
	case s == "":
		v.addf(field, "is required and must not be empty")
	case len(s) > maxSecretLen:
		v.addf(field, "is too long (at most %d bytes)", maxSecretLen)
	case strings.ContainsAny(s, "\x00\r\n"):
		v.addf(field, "must not contain NUL or line breaks")
	}
}

// privacyNotice bounds the Art. 15 texts.
func (v *violations) privacyNotice(n *dsarv1.PrivacyNotice) {
	if n == nil {
		return
	}
	texts := []struct{ name, s string }{
		{"controllerName", n.GetControllerName()}, {"controllerContact", n.GetControllerContact()},
		{"retention", n.GetRetention()}, {"source", n.GetSource()},
		{"automatedDecisionMaking", n.GetAutomatedDecisionMaking()}, {"thirdCountryTransfers", n.GetThirdCountryTransfers()},
	}
	for _, x := range texts {
		v.add("privacyNotice."+x.name, validate.Text(x.s, maxNoticeText))
	}
	lists := []struct {
		name string
		l    []string
	}{
		{"purposes", n.GetPurposes()}, {"dataCategories", n.GetDataCategories()},
		{"recipients", n.GetRecipients()}, {"legalBases", n.GetLegalBases()},
	}
	for _, x := range lists {
		name, l := x.name, x.l
		if len(l) > maxNoticeItems {
			v.addf("privacyNotice."+name, "has more than %d entries", maxNoticeItems)
			continue
		}
		for i, s := range l {
			v.add(fmt.Sprintf("privacyNotice.%s[%d]", name, i), validate.Text(s, maxNoticeText))
		}
	}
}

// validateNew checks a tenant to create, collecting every violation, and
// normalizes its base URL in place.
func validateNew(t *dsarv1.Tenant, allowHTTP bool) error {
	if t == nil {
		return errs.InvalidField("tenant", "is required")
	}
	var v violations
	v.add("tenantId", validate.TenantID(t.GetTenantId()))
	v.customerID(t.GetCustomerId())
	v.displayName(t.GetDisplayName())
	t.BaseUrl = v.baseURL(t.GetBaseUrl(), allowHTTP)
	v.credentials(t.GetBasicAuth(), t.GetOauth2())
	v.labels(t.GetLabels())
	if t.GetMaxConcurrency() != 0 {
		v.maxConcurrency(t.GetMaxConcurrency())
	}
	if t.GetCallTimeout() != nil {
		v.callTimeout(t.GetCallTimeout())
	}
	v.privacyNotice(t.GetPrivacyNotice())
	return v.err()
}
