package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// PseudonymDomain is the domain of pseudonymized emails: reserved (RFC
// 2606), so nothing is ever sent there.
const PseudonymDomain = "pseudonymized.invalid"

// dncErasureComment is the DNC comment of a pseudonymizing erasure.
const dncErasureComment = "GDPR erasure (pseudonymized)"

// keptFields are contact fields a pseudonymization leaves alone: Mautic's
// own bookkeeping, not personal data.
var keptFields = map[string]bool{
	"id": true, "email": true, "points": true, "stage": true, "owner": true, "attribution": true,
	"attribution_date": true, "preferred_locale": true, "timezone": true, "last_active": true,
	"date_identified": true, "date_added": true, "date_modified": true,
}

// PseudonymEmail is the keyed pseudonym that replaces email on tenantID:
// stable, so the record stays findable (and suppressible) by recomputing
// it, and meaningless without the master key.
func PseudonymEmail(ref func(purpose, value string) string, tenantID, email string) string {
	return ref("pseudonym|"+tenantID, email)[:24] + "@" + PseudonymDomain
}

// pseudonymPatch blanks every personal text field present on the contact
// and replaces the email with pseudonym. It returns the patch and the
// aliases it changes (names only).
func pseudonymPatch(fields map[string]any, pseudonym string) (map[string]any, []string) {
	patch := map[string]any{"email": pseudonym}
	for alias, v := range fields {
		if keptFields[alias] {
			continue
		}
		if s, ok := v.(string); ok && s != "" {
			patch[alias] = ""
		}
	}
	names := make([]string, 0, len(patch))
	for a := range patch {
		names = append(names, a)
	}
	sort.Strings(names)
	// PATCH ignores empty values unless asked to overwrite with them.
	patch["overwriteWithBlank"] = true
	return patch, names
}

// pseudonymize replaces the personal fields of ids with pseudonyms, sets
// do-not-contact on email, and verifies.
func (x *job) pseudonymize(ctx context.Context, ids []int64) error {
	if err := x.startAct(ctx, ids, x.erasureFacts()); err != nil {
		return err
	}
	pe := PseudonymEmail(x.e.store.Sealer().Ref, x.ref.tenantID, x.email)
	for _, id := range ids {
		if x.j.did(stepPseudonymize, id) {
			continue
		}
		names, absent, err := x.pseudonymizeOne(ctx, id, pe)
		if err != nil {
			return err
		}
		err = x.write(ctx, func(tx *bolt.Tx, _ *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
			facts := map[string]string{"fields": strings.Join(names, ","), "already_absent": fmt.Sprint(absent)}
			x.note(t, stepPseudonymize, []int64{id}, facts)
			return x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_PSEUDONYMIZED, []int64{id}, facts)
		})
		if err != nil {
			return err
		}
	}
	return x.verifyPseudonymized(ctx, ids, pe)
}

func (x *job) pseudonymizeOne(ctx context.Context, id int64, pe string) ([]string, bool, error) {
	c, err := x.conn.GetContact(ctx, id)
	if errors.Is(err, mautic.ErrNotFound) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	patch, names := pseudonymPatch(c.Fields, pe)
	if _, err := x.conn.EditContact(ctx, id, patch); err != nil {
		if errors.Is(err, mautic.ErrNotFound) {
			return nil, true, nil
		}
		return nil, false, err
	}
	if err := x.conn.AddDNC(ctx, id, "email", 3, dncErasureComment); err != nil && !errors.Is(err, mautic.ErrNotFound) {
		return nil, false, err
	}
	return names, false, nil
}

// verifyPseudonymized checks that every id shows the pseudonym (or is gone)
// and that an exact lookup of the original email finds none of them.
func (x *job) verifyPseudonymized(ctx context.Context, ids []int64, pe string) error {
	residual := 0
	for _, id := range ids {
		c, err := x.conn.GetContact(ctx, id)
		switch {
		case errors.Is(err, mautic.ErrNotFound):
		case err != nil:
			return err
		case !mautic.SameEmail(fieldString(c.Fields["email"]), pe) && !mautic.SameEmail(c.Email, pe):
			residual++
		}
	}
	found, err := x.conn.FindByEmail(ctx, x.email)
	if err != nil {
		return err
	}
	acted := idSet(ids)
	for _, c := range found {
		if acted[c.ID] {
			residual++
		}
	}
	if residual == 0 {
		return x.verified(ctx, dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED, "")
	}
	return x.verified(ctx, dsarv1.Verification_VERIFICATION_RESIDUAL_FOUND,
		fmt.Sprintf("the pseudonymization could not be verified on %d contacts", residual))
}

// fieldString renders a contact field value for comparison.
func fieldString(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}
