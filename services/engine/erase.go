package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// erasureFacts are journaled before a destructive erasure step: a keyed
// per-tenant hash of the email, so the erasure can be re-applied after a
// backup restore without keeping the email.
func (x *job) erasureFacts() map[string]string {
	return map[string]string{"email_hash": x.e.store.Sealer().Ref("erasure|"+x.ref.tenantID, x.email)}
}

// erase deletes ids one by one, journaling each, then verifies. When the
// attempt resumes an erasure a previous attempt started (after a crash or a
// transient failure), each contact not yet journaled is re-checked with a
// GET first: a 404 means a delete already went through, and it is not
// repeated; a contact whose email no longer equals the subject's (changed
// in Mautic meanwhile) is no longer an exact match and is left alone,
// journaled as "moved" and left out of the verification.
func (x *job) erase(ctx context.Context, ids []int64, resumed bool) error {
	if err := x.startAct(ctx, ids, x.erasureFacts()); err != nil {
		return err
	}
	var kept []int64
	for i, id := range ids {
		if x.j.did(stepMoved, id) {
			kept = append(kept, id)
			continue
		}
		if x.j.did(stepDelete, id) {
			continue
		}
		absent, moved := false, false
		if resumed {
			c, err := x.conn.GetContact(ctx, id)
			switch {
			case errors.Is(err, mautic.ErrNotFound):
				absent = true
			case err != nil:
				return err
			case !mautic.SameEmail(c.Email, x.email):
				moved = true
			}
		}
		if moved {
			kept = append(kept, id)
			x.deferred = append(x.deferred, func(tx *bolt.Tx, t *storagev1.TaskRecord) error {
				x.note(t, stepMoved, []int64{id}, map[string]string{"reason": "email no longer matches the subject"})
				return nil
			})
		} else {
			if !absent {
				err := x.conn.DeleteContact(ctx, id)
				switch {
				case errors.Is(err, mautic.ErrNotFound):
					absent = true
				case err != nil:
					return err
				}
			}
			x.deferred = append(x.deferred, func(tx *bolt.Tx, t *storagev1.TaskRecord) error {
				facts := map[string]string{"already_absent": strconv.FormatBool(absent)}
				x.note(t, stepDelete, []int64{id}, facts)
				return x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_CONTACT_DELETED, []int64{id}, facts)
			})
		}
		// The last delete's journal entry rides on the verification's
		// write (one fsync less per task); a crash in between is safe: the
		// resumed attempt finds the contact gone with a GET and does not
		// delete again.
		if i < len(ids)-1 {
			if err := x.flush(ctx); err != nil {
				return err
			}
		}
	}
	return x.verifyAbsent(ctx, slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return slices.Contains(kept, id) }))
}

// verifyAbsent checks that every id answers 404 and that an exact lookup
// finds none of them (nothing at all, unless a human confirmed a subset).
func (x *job) verifyAbsent(ctx context.Context, ids []int64) error {
	residual := 0
	for _, id := range ids {
		_, err := x.conn.GetContact(ctx, id)
		switch {
		case errors.Is(err, mautic.ErrNotFound):
		case err != nil:
			return err
		default:
			residual++
		}
	}
	found, err := x.conn.FindByEmail(ctx, x.email)
	if err != nil {
		return err
	}
	acted, subsetOnly := idSet(ids), len(x.t.GetConfirmedContactIds()) > 0
	for _, c := range found {
		if !subsetOnly || acted[c.ID] {
			residual++
		}
	}
	if residual == 0 {
		return x.verified(ctx, dsarv1.Verification_VERIFICATION_VERIFIED_ABSENT, "")
	}
	return x.verified(ctx, dsarv1.Verification_VERIFICATION_RESIDUAL_FOUND,
		fmt.Sprintf("the erasure could not be verified: %d residual matches remain", residual))
}

// verified records the verification result: SUCCEEDED, or FAILED with
// ERASURE_NOT_VERIFIED and msg.
func (x *job) verified(ctx context.Context, v dsarv1.Verification, msg string) error {
	state := dsarv1.TaskState_TASK_STATE_SUCCEEDED
	result := "verified"
	if v == dsarv1.Verification_VERIFICATION_RESIDUAL_FOUND {
		state, result = dsarv1.TaskState_TASK_STATE_FAILED, "residual_found"
	}
	err := x.write(ctx, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		x.note(t, stepVerify, t.GetTask().GetContactIds(), map[string]string{"result": result})
		if err := x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_ERASURE_VERIFIED, t.GetTask().GetContactIds(),
			map[string]string{"result": result, "verification": v.String(), "type": strings.TrimPrefix(x.req.GetRequest().GetType().String(), "REQUEST_TYPE_")}); err != nil {
			return err
		}
		return x.e.complete(ctx, tx, req, t, state, v, notVerified(msg))
	})
	if err == errStop {
		return nil
	}
	return err
}

// notVerified is the status of a failed verification (nil for msg "").
func notVerified(msg string) *statuspb.Status {
	if msg == "" {
		return nil
	}
	return taskStatus(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_ERASURE_NOT_VERIFIED, msg, nil)
}
