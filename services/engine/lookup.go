package engine

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// lookup finds the subject's contacts by exact email and decides: none is
// NOT_FOUND, a dry run ends with its plan, several for a destructive type
// wait for confirmation (unless confirmed ones still all match).
func (x *job) lookup(ctx context.Context) error {
	contacts, err := x.conn.FindByEmail(ctx, x.email)
	if err != nil {
		return err
	}
	ids := contactIDs(contacts)
	r := x.req.GetRequest()
	n := len(ids)
	x.span.SetAttributes(matchCountAttr(n))
	confirmed := x.t.GetConfirmedContactIds()
	// A lookup that runs again after a confirmation (RetryRequest keeps the
	// confirmed ids) acts on them only while they all still match exactly;
	// otherwise a human decides again, even about a single match: acting on
	// the stale confirmed ids would touch contacts that no longer match, and
	// acting on the one match would touch a contact the human left out.
	stale := len(confirmed) > 0 && !subset(confirmed, ids)
	ambiguous := needsConfirmation(r.GetType()) && ((n > 1 && len(confirmed) == 0) || (n > 0 && stale))
	record := func(tx *bolt.Tx, t *storagev1.TaskRecord) error {
		x.note(t, stepLookup, ids, map[string]string{"match_count": itoa(n)})
		t.Task.MatchCount = int32(n)
		t.Task.Candidates = nil
		if n > 1 || (n > 0 && (r.GetDryRun() || ambiguous)) {
			t.Task.Candidates = candidates(contacts)
		}
		if n == 0 {
			return nil
		}
		return x.event(ctx, tx, dsarv1.AuditEventType_AUDIT_EVENT_TYPE_SUBJECT_MATCHED, ids,
			map[string]string{"match_count": itoa(n)})
	}
	if n > 0 && !r.GetDryRun() && !ambiguous {
		// The task goes on: the lookup is journaled with the next step's
		// write (redoing a lost lookup after a crash is harmless).
		x.deferred = append(x.deferred, record)
		x.j = append(x.j, &storagev1.JournalEntry{Step: stepLookup, ContactIds: ids})
		x.contacts = contacts
		return nil
	}
	return x.write(ctx, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if err := record(tx, t); err != nil {
			return err
		}
		switch {
		case n == 0:
			return x.e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_NOT_FOUND, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil)
		case r.GetDryRun():
			t.Task.Actions = x.plan(contacts)
			return x.e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_SUCCEEDED, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil)
		}
		t.ConfirmedContactIds = nil
		msg := itoa(n) + " contacts match the subject exactly; nothing was changed. Confirm the contacts to act on."
		if stale {
			msg = "the confirmed contacts no longer all match the subject exactly (" + itoa(n) +
				" match now); nothing was changed. Confirm the contacts to act on again."
		}
		st := taskStatus(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_SUBJECT_AMBIGUOUS, msg,
			map[string]string{"match_count": itoa(n)})
		return x.e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION, dsarv1.Verification_VERIFICATION_UNSPECIFIED, st)
	})
}

// plan is what a task would do to contacts (dry run).
func (x *job) plan(contacts []mautic.Contact) []*dsarv1.PlannedAction {
	r := x.req.GetRequest()
	action, detail := "none", ""
	switch r.GetType() {
	case dsarv1.RequestType_REQUEST_TYPE_ERASURE:
		action, detail = "delete", "delete the contact, then verify it is gone"
		if r.GetErasureMode() == dsarv1.ErasureMode_ERASURE_MODE_PSEUDONYMIZE {
			action, detail = "pseudonymize", "replace personal fields with keyed pseudonyms, set do-not-contact on email"
		}
	case dsarv1.RequestType_REQUEST_TYPE_ACCESS:
		action, detail = "export", "export profile, activity, notes, devices, companies, segments and campaigns"
	case dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION:
		action, detail = "rectify", "set fields: "+strings.Join(r.GetRectificationFields(), ", ")
	case dsarv1.RequestType_REQUEST_TYPE_RESTRICTION:
		action, detail = "restrict", "do-not-contact on email and sms"
	}
	if len(contacts) > 1 && needsConfirmation(r.GetType()) {
		action, detail = "none", "more than one contact matches: the task would wait for confirmation before "+action
	}
	out := make([]*dsarv1.PlannedAction, 0, len(contacts))
	for _, c := range contacts {
		out = append(out, &dsarv1.PlannedAction{ContactId: c.ID, Action: action, Detail: detail})
	}
	return out
}

func contactIDs(cs []mautic.Contact) []int64 {
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return slices.Compact(ids)
}

func candidates(cs []mautic.Contact) []*dsarv1.Candidate {
	out := make([]*dsarv1.Candidate, 0, len(cs))
	for _, c := range cs {
		out = append(out, &dsarv1.Candidate{
			ContactId: c.ID, DateAdded: ts(c.DateAdded), DateModified: ts(c.DateModified), LastActive: ts(c.LastActive),
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetContactId() < out[j].GetContactId() })
	return out
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// subset reports whether every id of a is in b.
func subset(a, b []int64) bool {
	in := idSet(b)
	for _, id := range a {
		if !in[id] {
			return false
		}
	}
	return true
}
