package engine

import (
	"context"
	"errors"
	"strconv"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// writer returns the caller if it may change requests (operators and
// customer keys; auditors are read-only).
func writer(ctx context.Context) (authn.Principal, error) {
	p, err := caller(ctx)
	if err != nil {
		return p, err
	}
	if !(p.IsOperator() || (p.IsCustomer() && p.CustomerID != "")) {
		return p, errs.PermissionDenied("this key is read-only")
	}
	return p, nil
}

func stateConflict(msg string) error {
	return errs.FailedPrecondition(dsarv1.ErrorReason_ERROR_REASON_REQUEST_STATE_CONFLICT, msg)
}

// Cancel stops every task that has not started its destructive step (they
// become CANCELLED); tasks whose journal shows a destructive step started
// run to completion. Cancelling a terminal request is FAILED_PRECONDITION
// with REQUEST_STATE_CONFLICT.
func (e *Engine) Cancel(ctx context.Context, requestID string) (*dsarv1.Request, error) {
	p, err := writer(ctx)
	if err != nil {
		return nil, err
	}
	if !validRequestID(requestID) {
		return nil, requestNotFound(requestID)
	}
	terminal := false
	err = e.commit.do(ctx, func(tx *bolt.Tx) error {
		terminal = false
		req, err := getRequest(tx, requestID)
		if errors.Is(err, errNoRecord) || (err == nil && !canSee(p, req.GetRequest())) {
			return clean(requestNotFound(requestID))
		}
		if err != nil {
			return clean(err)
		}
		if RequestTerminal(req.GetRequest().GetState()) {
			return clean(stateConflict("the request has finished (" + req.GetRequest().GetState().String() + ") and cannot be cancelled"))
		}
		var stop []*storagev1.TaskRecord
		if err := eachTask(tx, requestID, func(t *storagev1.TaskRecord) error {
			if !TaskTerminal(t.GetTask().GetState()) && !journalOf(t).has(stepAct) {
				stop = append(stop, t)
			}
			return nil
		}); err != nil {
			return clean(err)
		}
		now := e.o.Now()
		req.CancelRequested = true
		for _, t := range stop {
			old := t.GetTask().GetState()
			if err := e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_CANCELLED, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil); err != nil {
				return err
			}
			t.Task.UpdateTime = timestamppb.New(now)
			if err := putTask(tx, t); err != nil {
				return err
			}
			term, err := e.moveCounts(ctx, tx, req, old, dsarv1.TaskState_TASK_STATE_CANCELLED, now)
			if err != nil {
				return err
			}
			terminal = terminal || term
		}
		req.Request.UpdateTime = timestamppb.New(now)
		if err := putRequest(tx, req); err != nil {
			return err
		}
		r := req.GetRequest()
		return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
			Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_CANCELLED, CustomerId: singleCustomer(r),
			RequestId: requestID, SubjectRef: r.GetSubjectRef(),
			Attributes: map[string]string{"cancelled_tasks": strconv.Itoa(len(stop))},
		})
	})
	if err != nil {
		return nil, asAPIError(err)
	}
	e.hub.publish(requestID)
	if terminal {
		e.afterWrite(ctx, requestID, writeResult{terminal: true}, nil)
	}
	return e.Get(ctx, requestID)
}

// asAPIError passes *errs.Error through and hides anything else.
func asAPIError(err error) error {
	if _, ok := errs.As(err); ok {
		return err
	}
	return errs.Internal(err)
}
