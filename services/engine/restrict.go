package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// restrictionComment is the DNC comment of a restriction.
const restrictionComment = "GDPR Art. 18 restriction"

// restrictionChannels are the channels a restriction blocks.
var restrictionChannels = []string{"email", "sms"}

// restrict sets do-not-contact (reason 3, manual) on every channel for
// every exact match (not destructive, so no confirmation), then verifies
// that the contact's doNotContact lists them.
func (x *job) restrict(ctx context.Context, ids []int64) error {
	if err := x.startAct(ctx, ids, nil); err != nil {
		return err
	}
	for _, id := range ids {
		if x.j.did(stepRestrict, id) {
			continue
		}
		absent := false
		for _, ch := range restrictionChannels {
			err := x.conn.AddDNC(ctx, id, ch, 3, restrictionComment)
			if errors.Is(err, mautic.ErrNotFound) {
				absent = true
				break
			}
			if err != nil {
				return err
			}
		}
		err := x.write(ctx, func(tx *bolt.Tx, _ *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
			facts := map[string]string{"channels": "email,sms", "already_absent": fmt.Sprint(absent)}
			x.note(t, stepRestrict, []int64{id}, facts)
			return x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_RESTRICTED, []int64{id}, facts)
		})
		if err != nil {
			return err
		}
	}
	residual := 0
	for _, id := range ids {
		c, err := x.conn.GetContact(ctx, id)
		switch {
		case errors.Is(err, mautic.ErrNotFound):
		case err != nil:
			return err
		case !hasDNC(c.Raw, restrictionChannels...):
			residual++
		}
	}
	if residual == 0 {
		return x.verified(ctx, dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED, "")
	}
	return x.verified(ctx, dsarv1.Verification_VERIFICATION_RESIDUAL_FOUND,
		fmt.Sprintf("the restriction could not be verified on %d contacts", residual))
}

// hasDNC reports whether a raw Mautic contact lists do-not-contact entries
// for every channel.
func hasDNC(raw json.RawMessage, channels ...string) bool {
	var c struct {
		DoNotContact []struct {
			Channel string `json:"channel"`
		} `json:"doNotContact"`
	}
	if json.Unmarshal(raw, &c) != nil {
		return false
	}
	have := map[string]bool{}
	for _, d := range c.DoNotContact {
		have[d.Channel] = true
	}
	for _, ch := range channels {
		if !have[ch] {
			return false
		}
	}
	return true
}
