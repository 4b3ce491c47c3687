package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

// Confirm resolves an ambiguous task: contactIDs (a non-empty subset of its
// candidates) are the contacts to act on. The operator or the customer
// owning the tenant may confirm. The choice is re-checked live (each contact
// must still match the subject exactly) before the task continues; it is
// audited as TASK_CONFIRMED.
func (e *Engine) Confirm(ctx context.Context, requestID, tenantID string, contactIDs []int64) (*dsarv1.Request, error) {
	p, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	if err := validate.TenantID(tenantID); err != nil {
		return nil, errs.InvalidField("tenantId", err.Error())
	}
	if err := checkContactIDs(contactIDs); err != nil {
		return nil, err
	}
	if !validRequestID(requestID) {
		return nil, requestNotFound(requestID)
	}
	var req *storagev1.RequestRecord
	var t *storagev1.TaskRecord
	err = e.store.View(ctx, "engine.confirm", func(tx *bolt.Tx) error {
		var err error
		if req, err = getRequest(tx, requestID); err != nil {
			return err
		}
		t, err = getTask(tx, requestID, tenantID)
		return err
	})
	switch {
	case errors.Is(err, errNoRecord) && req == nil:
		return nil, requestNotFound(requestID)
	case errors.Is(err, errNoRecord):
		return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "task of tenant", tenantID)
	case err != nil:
		return nil, errs.Internal(err)
	}
	if !p.IsOperator() && t.GetTask().GetCustomerId() != p.CustomerID {
		if !canSee(p, req.GetRequest()) {
			return nil, requestNotFound(requestID)
		}
		return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "task of tenant", tenantID)
	}
	if t.GetTask().GetState() != dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION {
		return nil, stateConflict("the task is not waiting for confirmation (it is " + t.GetTask().GetState().String() + ")")
	}
	cands := make([]int64, 0, len(t.GetTask().GetCandidates()))
	for _, c := range t.GetTask().GetCandidates() {
		cands = append(cands, c.GetContactId())
	}
	for i, id := range contactIDs {
		if !slices.Contains(cands, id) {
			return nil, errs.InvalidField(fmt.Sprintf("contactIds[%d]", i), "is not one of the task's candidates")
		}
	}
	if err := e.recheck(ctx, req, t, contactIDs); err != nil {
		return nil, err
	}
	ref := taskRef{requestID, tenantID, t.GetTask().GetCustomerId()}
	_, err = e.updateTask(ctx, requestID, tenantID, 0, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if t.GetTask().GetState() != dsarv1.TaskState_TASK_STATE_NEEDS_CONFIRMATION {
			return clean(stateConflict("the task is no longer waiting for confirmation"))
		}
		ids := slices.Clone(contactIDs)
		slices.Sort(ids)
		t.ConfirmedContactIds = ids
		t.Journal = append(t.Journal, &storagev1.JournalEntry{Step: stepConfirm, Time: timestamppb.New(e.o.Now()), ContactIds: ids})
		t.Task.State, t.Task.Error, t.Task.Step = dsarv1.TaskState_TASK_STATE_PENDING, nil, stepConfirm
		return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
			Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TASK_CONFIRMED, CustomerId: t.GetTask().GetCustomerId(),
			TenantId: tenantID, RequestId: requestID, SubjectRef: req.GetRequest().GetSubjectRef(), ContactIds: ids,
			Attributes: map[string]string{"match_count": itoa(int(t.GetTask().GetMatchCount()))},
		})
	})
	if err != nil {
		return nil, asAPIError(err)
	}
	e.sched.add(ref, 0)
	return e.Get(ctx, requestID)
}

func checkContactIDs(ids []int64) error {
	if len(ids) == 0 {
		return errs.InvalidField("contactIds", "is required: at least one of the task's candidates")
	}
	seen := map[int64]bool{}
	for i, id := range ids {
		field := fmt.Sprintf("contactIds[%d]", i)
		if id <= 0 {
			return errs.InvalidField(field, "must be a positive Mautic contact id")
		}
		if seen[id] {
			return errs.InvalidField(field, "is listed twice")
		}
		seen[id] = true
	}
	return nil
}

// recheck looks the subject up again and requires every chosen contact to
// still match exactly.
func (e *Engine) recheck(ctx context.Context, req *storagev1.RequestRecord, t *storagev1.TaskRecord, ids []int64) error {
	ctx, cancel := context.WithTimeout(ctx, e.o.ConfirmTimeout)
	defer cancel()
	x, err := e.prepare(ctx, taskRef{req.GetRequest().GetRequestId(), t.GetTask().GetTenantId(), t.GetTask().GetCustomerId()}, req, t)
	if err == nil {
		var found []int64
		cs, ferr := x.conn.FindByEmail(ctx, x.email)
		if ferr == nil {
			found = contactIDs(cs)
			for _, id := range ids {
				if !slices.Contains(found, id) {
					return stateConflict(fmt.Sprintf("contact %d no longer matches the subject exactly; nothing was changed", id))
				}
			}
			return nil
		}
		err = ferr
	}
	f := classify(err)
	return &errs.Error{Kind: errs.KindUnavailable, Reason: dsarv1.ErrorReason_ERROR_REASON_MAUTIC_UNAVAILABLE,
		Message: "could not re-check the matches on the tenant's Mautic: " + f.status.GetMessage(), Cause: err}
}
