package engine

import (
	"context"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// errFenced means the task is no longer run by the caller's attempt (it was
// cancelled, or another attempt took it over).
var errFenced = errors.New("engine: task no longer owned by this attempt")

// taskMutation changes a task (and possibly its request) inside a write
// transaction. It must do its checks before any write (see committer).
type taskMutation func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error

// writeResult tells the caller what a committed task write did.
type writeResult struct {
	task     *storagev1.TaskRecord
	terminal bool // the request turned terminal with this write
}

// updateTask loads the task and its request, checks the fence (when
// fence > 0 the task must be RUNNING attempt number fence), applies fn,
// maintains the request's task-state counts and derived state, finishes the
// request when it turns terminal, and writes both records in one
// (group-committed) transaction. Watchers are notified after the commit.
func (e *Engine) updateTask(ctx context.Context, requestID, tenantID string, fence int32, fn taskMutation) (writeResult, error) {
	var res writeResult
	err := e.commit.do(ctx, func(tx *bolt.Tx) error {
		res = writeResult{}
		req, err := getRequest(tx, requestID)
		if err != nil {
			return clean(err)
		}
		t, err := getTask(tx, requestID, tenantID)
		if err != nil {
			return clean(err)
		}
		if fence > 0 && (t.GetTask().GetState() != dsarv1.TaskState_TASK_STATE_RUNNING || t.GetTask().GetAttempts() != fence) {
			return clean(errFenced)
		}
		old := t.GetTask().GetState()
		if err := fn(tx, req, t); err != nil {
			return err
		}
		now := e.o.Now()
		t.Task.UpdateTime = timestamppb.New(now)
		if err := putTask(tx, t); err != nil {
			return err
		}
		if t.GetTask().GetState() != old {
			term, err := e.moveCounts(ctx, tx, req, old, t.GetTask().GetState(), now)
			if err != nil {
				return err
			}
			res.terminal = term
			if err := putRequest(tx, req); err != nil {
				return err
			}
		}
		res.task = t
		return nil
	})
	if err == nil {
		e.hub.publish(requestID)
	}
	return res, err
}

// moveCounts records one task moving from old to cur, re-derives the
// request state and finishes the request if it turned terminal; the caller
// writes the request record. It reports whether the request turned
// terminal.
func (e *Engine) moveCounts(ctx context.Context, tx *bolt.Tx, req *storagev1.RequestRecord, old, cur dsarv1.TaskState, now time.Time) (bool, error) {
	if req.TaskStateCounts == nil {
		req.TaskStateCounts = make(map[int32]int32)
	}
	req.TaskStateCounts[int32(old)]--
	if req.TaskStateCounts[int32(old)] <= 0 {
		delete(req.TaskStateCounts, int32(old))
	}
	req.TaskStateCounts[int32(cur)]++
	was := req.GetRequest().GetState()
	req.Request.State = deriveFromCounts(req.TaskStateCounts)
	req.Request.UpdateTime = timestamppb.New(now)
	terminal := !RequestTerminal(was) && RequestTerminal(req.Request.State)
	if terminal {
		if err := e.finishTx(ctx, tx, req, now); err != nil {
			return false, err
		}
	}
	return terminal, nil
}

// finishTx does, inside the transaction that made req terminal, what must
// happen atomically with it: the completion time, releasing the
// duplicate-subject guard, the REQUEST_COMPLETED event and purging the
// subject data unless it is still needed (access packages are built after
// the commit; failed tasks keep it for RetryRequest until the due date).
func (e *Engine) finishTx(ctx context.Context, tx *bolt.Tx, req *storagev1.RequestRecord, now time.Time) error {
	r := req.GetRequest()
	r.CompleteTime = timestamppb.New(now)
	if err := e.releaseSubject(tx, req); err != nil {
		return err
	}
	failed := req.TaskStateCounts[int32(dsarv1.TaskState_TASK_STATE_FAILED)] > 0
	switch {
	case r.GetType() == dsarv1.RequestType_REQUEST_TYPE_ACCESS && e.o.Access != nil:
		// finalize builds the package, then purges.
	case failed:
		req.Finalized = true
		req.SubjectPurgeTime = timestamppb.New(purgeTime(r.GetDueTime().AsTime(), now))
	default:
		req.Finalized = true
		req.SealedSubject = nil
	}
	return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
		Type:       dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_COMPLETED,
		CustomerId: singleCustomer(r),
		RequestId:  r.GetRequestId(),
		SubjectRef: r.GetSubjectRef(),
		Attributes: map[string]string{"state": r.GetState().String()},
	})
}

// purgeTime is when the subject data of a request with failed tasks goes:
// at its due date, or a day from now if that has passed.
func purgeTime(due, now time.Time) time.Time {
	if due.After(now) {
		return due
	}
	return now.Add(24 * time.Hour)
}

// releaseSubject removes the request's duplicate-subject guard entries.
func (e *Engine) releaseSubject(tx *bolt.Tx, req *storagev1.RequestRecord) error {
	r := req.GetRequest()
	if r.GetDryRun() || req.GetSubjectKey() == "" {
		return nil
	}
	b := tx.Bucket(tenants.BucketActiveSubjects)
	return eachTask(tx, r.GetRequestId(), func(t *storagev1.TaskRecord) error {
		k := activeKey(req.GetSubjectKey(), r.GetType(), t.GetTask().GetTenantId())
		if string(b.Get(k)) == r.GetRequestId() {
			return b.Delete(k)
		}
		return nil
	})
}

// singleCustomer is the request's customer when it has exactly one.
func singleCustomer(r *dsarv1.Request) string {
	if len(r.GetCustomerIds()) == 1 {
		return r.GetCustomerIds()[0]
	}
	return ""
}
