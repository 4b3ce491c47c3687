package engine

import (
	"fmt"
	"regexp"
	"sort"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

// Create limits.
const (
	// MaxTargetTenantIDs is the most tenant ids one request may list.
	MaxTargetTenantIDs = 1000
	// MaxRectificationFields is the most fields one rectification changes.
	MaxRectificationFields = 50
	maxFieldValueLen       = 1024
	maxIdempotencyKeyLen   = 128
	maxViolations          = 20
)

// aliasRE is the syntax of a Mautic field alias.
var aliasRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)

// systemFields are contact fields a rectification may not set: they are
// not personal data the subject can have corrected, or Mautic owns them.
var systemFields = map[string]bool{
	"id": true, "points": true, "stage": true, "owner": true, "date_added": true,
	"date_modified": true, "date_identified": true, "last_active": true,
}

// createInput is a validated, normalised create body.
type createInput struct {
	email string
	rect  map[string]string
	mode  dsarv1.ErasureMode
}

type violations []errs.FieldViolation

func (v *violations) add(field, format string, args ...any) {
	if len(*v) < maxViolations {
		*v = append(*v, errs.FieldViolation{Field: field, Description: fmt.Sprintf(format, args...)})
	}
}

// checkCreate validates a create body except what needs the store (the
// target's tenants). Every problem is reported at once, under the field's
// JSON name, never echoing the subject's data.
func checkCreate(in *dsarv1.CreateRequestRequest) (*createInput, error) {
	var v violations
	out := &createInput{mode: in.GetErasureMode()}
	if k := in.GetIdempotencyKey(); len(k) > maxIdempotencyKeyLen || !printableASCII(k) {
		v.add("idempotencyKey", "must be at most %d printable ASCII characters", maxIdempotencyKeyLen)
	}
	typ := in.GetType()
	if _, ok := dsarv1.RequestType_name[int32(typ)]; !ok || typ == dsarv1.RequestType_REQUEST_TYPE_UNSPECIFIED {
		v.add("type", "is required: one of REQUEST_TYPE_ACCESS, REQUEST_TYPE_ERASURE, REQUEST_TYPE_RECTIFICATION, REQUEST_TYPE_RESTRICTION")
	}
	if in.GetSubject() == nil {
		v.add("subject", "is required")
	} else if email, err := validate.NormalizeEmail(in.GetSubject().GetEmail()); err != nil {
		v.add("subject.email", "%s", err)
	} else {
		out.email = email
	}
	checkTarget(in.GetTarget(), &v)
	switch mode := in.GetErasureMode(); {
	case mode == dsarv1.ErasureMode_ERASURE_MODE_UNSPECIFIED:
		out.mode = dsarv1.ErasureMode_ERASURE_MODE_DELETE
	case typ != dsarv1.RequestType_REQUEST_TYPE_ERASURE:
		v.add("erasureMode", "is only allowed on erasure requests")
	case mode != dsarv1.ErasureMode_ERASURE_MODE_DELETE && mode != dsarv1.ErasureMode_ERASURE_MODE_PSEUDONYMIZE:
		v.add("erasureMode", "must be ERASURE_MODE_DELETE or ERASURE_MODE_PSEUDONYMIZE")
	}
	if typ != dsarv1.RequestType_REQUEST_TYPE_ERASURE {
		out.mode = dsarv1.ErasureMode_ERASURE_MODE_UNSPECIFIED
	}
	if typ == dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION {
		out.rect = checkRectification(in.GetRectification(), &v)
	} else if in.GetRectification() != nil {
		v.add("rectification", "is only allowed on rectification requests")
	}
	if len(v) > 0 {
		return nil, errs.Invalid(v...)
	}
	return out, nil
}

func checkTarget(t *dsarv1.Target, v *violations) {
	if t == nil {
		v.add("target", "is required: exactly one of tenantIds, customerId, allTenants")
		return
	}
	kinds := 0
	if len(t.GetTenantIds()) > 0 {
		kinds++
	}
	if t.GetCustomerId() != "" {
		kinds++
	}
	if t.GetAllTenants() {
		kinds++
	}
	switch {
	case kinds == 0:
		v.add("target", "must set exactly one of tenantIds (non-empty), customerId, allTenants")
		return
	case kinds > 1:
		v.add("target", "must set exactly one of tenantIds, customerId, allTenants, not several")
		return
	}
	if c := t.GetCustomerId(); c != "" {
		if err := validate.CustomerID(c); err != nil {
			v.add("target.customerId", "%s", err)
		}
	}
	ids := t.GetTenantIds()
	if len(ids) > MaxTargetTenantIDs {
		v.add("target.tenantIds", "lists %d tenants; at most %d are allowed per request", len(ids), MaxTargetTenantIDs)
		return
	}
	seen := make(map[string]int, len(ids))
	for i, id := range ids {
		field := fmt.Sprintf("target.tenantIds[%d]", i)
		if err := validate.TenantID(id); err != nil {
			v.add(field, "%s", err)
			continue
		}
		if j, dup := seen[id]; dup {
			v.add(field, "duplicates target.tenantIds[%d]", j)
			continue
		}
		seen[id] = i
	}
}

func checkRectification(r *dsarv1.Rectification, v *violations) map[string]string {
	fields := r.GetFields()
	if len(fields) == 0 {
		v.add("rectification.fields", "is required: at least one Mautic field alias and its new value")
		return nil
	}
	if len(fields) > MaxRectificationFields {
		v.add("rectification.fields", "has %d fields; at most %d are allowed", len(fields), MaxRectificationFields)
		return nil
	}
	aliases := make([]string, 0, len(fields))
	for a := range fields {
		aliases = append(aliases, a)
	}
	sort.Strings(aliases)
	out := make(map[string]string, len(fields))
	for _, a := range aliases {
		val := fields[a]
		if !aliasRE.MatchString(a) {
			// The alias is not echoed: it could be anything.
			v.add("rectification.fields", "contains an invalid field alias (expected 1-64 characters of a-z, 0-9 and _, starting with a letter)")
			continue
		}
		field := "rectification.fields[" + a + "]"
		if systemFields[a] {
			v.add(field, "is a system field that cannot be rectified")
			continue
		}
		if a == "email" {
			email, err := validate.NormalizeEmail(val)
			if err != nil {
				v.add(field, "%s", err)
				continue
			}
			val = email
		} else if err := validate.Text(val, maxFieldValueLen); err != nil {
			v.add(field, "%s", err)
			continue
		}
		out[a] = val
	}
	return out
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
