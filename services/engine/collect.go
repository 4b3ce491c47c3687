package engine

import (
	"context"

	"google.golang.org/grpc/codes"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// collect gathers the matched contacts' data for the access package.
func (x *job) collect(ctx context.Context, ids []int64) error {
	if x.e.o.Access == nil {
		return permanent(codes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE,
			"access requests are not enabled on this server")
	}
	contacts := x.contacts
	if contacts == nil {
		found, err := x.conn.FindByEmail(ctx, x.email)
		if err != nil {
			return err
		}
		contacts = found
	}
	want := idSet(ids)
	var keep []mautic.Contact
	for _, c := range contacts {
		if want[c.ID] {
			keep = append(keep, c)
		}
	}
	if len(keep) == 0 {
		return x.finish(ctx, dsarv1.TaskState_TASK_STATE_NOT_FOUND, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil, nil)
	}
	stats, err := x.e.o.Access.Collect(ctx, x.ref.requestID, x.tenant, x.conn, keep)
	if err != nil {
		return err
	}
	kept := contactIDs(keep)
	return x.finish(ctx, dsarv1.TaskState_TASK_STATE_SUCCEEDED, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil, func(t *storagev1.TaskRecord) {
		x.note(t, stepCollect, kept, map[string]string{"contacts": itoa(len(kept))})
		t.Task.Access = stats
		t.Task.ContactIds = kept
		t.Task.Actions = nil
		for _, id := range kept {
			t.Task.Actions = append(t.Task.Actions, &dsarv1.PlannedAction{ContactId: id, Action: "export"})
		}
	})
}
