package engine

import (
	"context"
	"errors"
	"strconv"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Retry re-queues the FAILED tasks of a FAILED or PARTIALLY_SUCCEEDED
// request with a fresh retry budget. Their journals get a retry marker, so
// they start over from the lookup (the contacts already erased are simply
// not found again). The duplicate-subject guard applies as on create.
func (e *Engine) Retry(ctx context.Context, requestID string) (*dsarv1.Request, error) {
	p, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	if !validRequestID(requestID) {
		return nil, requestNotFound(requestID)
	}
	var queued []taskRef
	err = e.commit.do(ctx, func(tx *bolt.Tx) error {
		queued = nil
		req, err := getRequest(tx, requestID)
		if errors.Is(err, errNoRecord) || (err == nil && !canSee(p, req.GetRequest())) {
			return clean(requestNotFound(requestID))
		}
		if err != nil {
			return clean(err)
		}
		r := req.GetRequest()
		if s := r.GetState(); s != dsarv1.RequestState_REQUEST_STATE_FAILED && s != dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED {
			return clean(stateConflict("only FAILED or PARTIALLY_SUCCEEDED requests can be retried; this one is " + s.String()))
		}
		if len(req.GetSealedSubject()) == 0 {
			return clean(stateConflict("the subject data of this request was purged; create a new request"))
		}
		var all, failed []*storagev1.TaskRecord
		if err := eachTask(tx, requestID, func(t *storagev1.TaskRecord) error {
			all = append(all, t)
			if t.GetTask().GetState() == dsarv1.TaskState_TASK_STATE_FAILED {
				failed = append(failed, t)
			}
			return nil
		}); err != nil {
			return clean(err)
		}
		active := tx.Bucket(tenants.BucketActiveSubjects)
		if !r.GetDryRun() {
			for _, t := range all {
				if v := active.Get(activeKey(req.GetSubjectKey(), r.GetType(), t.GetTask().GetTenantId())); v != nil && string(v) != requestID {
					de := errs.AlreadyExists(dsarv1.ErrorReason_ERROR_REASON_DUPLICATE_REQUEST,
						"request "+string(v)+" for the same subject and type is running on tenant \""+t.GetTask().GetTenantId()+"\"")
					de.Metadata = map[string]string{"request_id": string(v), "tenant_id": t.GetTask().GetTenantId()}
					return clean(de)
				}
			}
		}
		now := e.o.Now()
		for _, t := range failed {
			t.Journal = append(t.Journal, &storagev1.JournalEntry{Step: stepRetry, Time: timestamppb.New(now)})
			tk := t.GetTask()
			tk.State, tk.Attempts, tk.Error, tk.NextAttemptTime = dsarv1.TaskState_TASK_STATE_PENDING, 0, nil, nil
			tk.Verification, tk.Step, tk.UpdateTime = dsarv1.Verification_VERIFICATION_UNSPECIFIED, "", timestamppb.New(now)
			if err := putTask(tx, t); err != nil {
				return err
			}
			if _, err := e.moveCounts(ctx, tx, req, dsarv1.TaskState_TASK_STATE_FAILED, dsarv1.TaskState_TASK_STATE_PENDING, now); err != nil {
				return err
			}
			queued = append(queued, taskRef{requestID, tk.GetTenantId(), tk.GetCustomerId()})
		}
		if !r.GetDryRun() {
			for _, t := range all {
				if err := active.Put(activeKey(req.GetSubjectKey(), r.GetType(), t.GetTask().GetTenantId()), []byte(requestID)); err != nil {
					return err
				}
			}
		}
		r.CompleteTime = nil
		req.Finalized, req.SubjectPurgeTime = false, nil
		if err := putRequest(tx, req); err != nil {
			return err
		}
		return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
			Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_RETRIED, CustomerId: singleCustomer(r),
			RequestId: requestID, SubjectRef: r.GetSubjectRef(),
			Attributes: map[string]string{"retried_tasks": strconv.Itoa(len(failed))},
		})
	})
	if err != nil {
		return nil, asAPIError(err)
	}
	for _, ref := range queued {
		e.breakers.success(ref.tenantID)
		e.sched.add(ref, 0)
	}
	e.hub.publish(requestID)
	return e.Get(ctx, requestID)
}
