package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/grpc/codes"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// rectify PATCHes the given fields on ids and verifies them by GET. It
// refuses to give a contact an email that another contact already has:
// Mautic would silently merge the two and delete one.
func (x *job) rectify(ctx context.Context, ids []int64) error {
	if err := x.checkEmailChange(ctx, ids); err != nil {
		return err
	}
	names := make([]string, 0, len(x.rect))
	patch := make(map[string]any, len(x.rect))
	for a, v := range x.rect {
		names = append(names, a)
		patch[a] = v
	}
	sort.Strings(names)
	fields := strings.Join(names, ",")
	if err := x.startAct(ctx, ids, map[string]string{"fields": fields}); err != nil {
		return err
	}
	for _, id := range ids {
		if x.j.did(stepRectify, id) {
			continue
		}
		if _, err := x.conn.EditContact(ctx, id, patch); err != nil {
			if errors.Is(err, mautic.ErrNotFound) {
				return permanent(codes.NotFound, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT,
					fmt.Sprintf("contact %d no longer exists on this tenant", id))
			}
			return err
		}
		err := x.write(ctx, func(tx *bolt.Tx, _ *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
			facts := map[string]string{"fields": fields}
			x.note(t, stepRectify, []int64{id}, facts)
			return x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_RECTIFIED, []int64{id}, facts)
		})
		if err != nil {
			return err
		}
	}
	differ := 0
	for _, id := range ids {
		c, err := x.conn.GetContact(ctx, id)
		if errors.Is(err, mautic.ErrNotFound) {
			differ++
			continue
		}
		if err != nil {
			return err
		}
		for a, want := range x.rect {
			if !strings.EqualFold(strings.TrimSpace(fieldString(c.Fields[a])), strings.TrimSpace(want)) {
				differ++
			}
		}
	}
	if differ == 0 {
		return x.verified(ctx, dsarv1.Verification_VERIFICATION_VERIFIED_APPLIED, "")
	}
	return x.verified(ctx, dsarv1.Verification_VERIFICATION_RESIDUAL_FOUND,
		fmt.Sprintf("the rectification could not be verified: %d field values differ", differ))
}

// checkEmailChange refuses an email change that would collide.
func (x *job) checkEmailChange(ctx context.Context, ids []int64) error {
	newEmail, ok := x.rect["email"]
	if !ok || newEmail == x.email {
		return nil
	}
	if len(ids) > 1 {
		return permanent(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT,
			"cannot give one new email to several contacts")
	}
	found, err := x.conn.FindByEmail(ctx, newEmail)
	if err != nil {
		return err
	}
	mine := idSet(ids)
	for _, c := range found {
		if !mine[c.ID] {
			return permanent(codes.AlreadyExists, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT,
				"the new email already belongs to another contact on this tenant (Mautic would merge them); nothing was changed")
		}
	}
	return nil
}
