package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	grpccodes "google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// storeRetry is the wait before a task whose records could not be read is
// tried again (no attempt is counted).
const storeRetry = 5 * time.Second

// runnable reports whether a task in state s is waiting for a worker.
func runnable(s dsarv1.TaskState) bool {
	return s == dsarv1.TaskState_TASK_STATE_PENDING || s == dsarv1.TaskState_TASK_STATE_RUNNING || s == dsarv1.TaskState_TASK_STATE_RETRYING
}

// attempt runs one attempt of a task: it loads the task, consults the
// tenant's circuit breaker, marks the task RUNNING (counting the attempt),
// executes its remaining steps and records the outcome. It reports whether
// and when the task must run again.
func (e *Engine) attempt(ctx context.Context, ref taskRef) (bool, time.Duration) {
	var req *storagev1.RequestRecord
	var t *storagev1.TaskRecord
	err := e.store.View(ctx, "engine.load", func(tx *bolt.Tx) error {
		var err error
		if req, err = getRequest(tx, ref.requestID); err != nil {
			return err
		}
		t, err = getTask(tx, ref.requestID, ref.tenantID)
		return err
	})
	if errors.Is(err, errNoRecord) || ctx.Err() != nil {
		return false, 0
	}
	if err != nil {
		e.o.Logger.Error("engine: loading task failed", "request_id", ref.requestID, "tenant_id", ref.tenantID, "error", err)
		return true, storeRetry
	}
	if !runnable(t.GetTask().GetState()) {
		return false, 0
	}
	now := e.o.Now()
	if ok, until := e.breakers.allow(ref.tenantID, now); !ok {
		return e.wait(ctx, ref, until, taskStatus(grpccodes.Unavailable, dsarv1.ErrorReason_ERROR_REASON_CIRCUIT_OPEN,
			"the tenant's Mautic kept failing; waiting before trying again", nil))
	}
	x, err := e.prepare(ctx, ref, req, t)
	if err == nil {
		x.attempt = t.GetTask().GetAttempts() + 1
		var res writeResult
		res, err = e.updateTask(ctx, ref.requestID, ref.tenantID, 0, func(_ *bolt.Tx, _ *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
			if !runnable(t.GetTask().GetState()) || t.GetTask().GetAttempts() != x.attempt-1 {
				return clean(errStop)
			}
			t.Task.State = dsarv1.TaskState_TASK_STATE_RUNNING
			t.Task.Attempts = x.attempt
			t.Task.NextAttemptTime = nil
			return nil
		})
		if err != nil {
			e.breakers.release(ref.tenantID)
			return false, 0
		}
		x.t = res.task
		x.j = journalOf(x.t)
		err = e.execute(ctx, x)
	}
	return e.outcome(ctx, ref, x, err)
}

// execute runs the steps under an "engine.task" span that is a child of the
// creating call's span.
func (e *Engine) execute(ctx context.Context, x *job) error {
	sctx := ctx
	if sc := x.parentSpan(); sc.IsValid() {
		sctx = trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	sctx, span := e.tracer.Start(sctx, "engine.task", trace.WithAttributes(
		attribute.String("dsar.request_id", x.ref.requestID),
		attribute.String("dsar.tenant_id", x.ref.tenantID),
		attribute.Int("dsar.attempt", int(x.attempt)),
	))
	defer span.End()
	x.span = span
	err := x.run(sctx)
	if err != nil && ctx.Err() == nil {
		// Keep what was done even though the attempt failed.
		_ = x.flush(ctx)
	}
	span.SetAttributes(attribute.String("dsar.step", x.t.GetTask().GetStep()),
		attribute.Int("dsar.match_count", int(x.t.GetTask().GetMatchCount())))
	if err != nil && !errors.Is(err, errStop) {
		span.SetStatus(codes.Error, classify(err).status.GetMessage())
	}
	return err
}

// outcome records how an attempt ended and decides about a re-run.
func (e *Engine) outcome(ctx context.Context, ref taskRef, x *job, err error) (bool, time.Duration) {
	switch {
	case err == nil || errors.Is(err, errStop) || errors.Is(err, errFenced):
		e.breakers.success(ref.tenantID)
		return false, 0
	case ctx.Err() != nil:
		// Shutting down: the journal says where to resume.
		e.breakers.release(ref.tenantID)
		return false, 0
	}
	f := classify(err)
	now := e.o.Now()
	if !f.transient {
		e.breakers.release(ref.tenantID)
		e.fail(ctx, ref, x, f.status)
		return false, 0
	}
	if f.status.GetCode() == int32(grpccodes.Internal) {
		e.o.Logger.Warn("engine: task attempt failed", "request_id", ref.requestID, "tenant_id", ref.tenantID, "error", err)
	}
	open := e.breakers.failure(ref.tenantID, now)
	attempts := int32(0)
	if x != nil {
		attempts = x.attempt
	}
	if attempts >= int32(e.o.MaxAttempts) {
		e.fail(ctx, ref, x, taskStatus(grpccodes.Unavailable, dsarv1.ErrorReason_ERROR_REASON_RETRIES_EXHAUSTED,
			fmt.Sprintf("gave up after %d attempts; last error: %s", attempts, f.status.GetMessage()), nil))
		return false, 0
	}
	delay := backoff(int(attempts), e.o.BaseBackoff, e.o.MaxBackoff, f.retryAfter, e.o.Jitter)
	st := f.status
	if open {
		if _, until := e.breakers.allow(ref.tenantID, now); until.Sub(now) > delay {
			delay = until.Sub(now)
		}
		st = taskStatus(grpccodes.Unavailable, dsarv1.ErrorReason_ERROR_REASON_CIRCUIT_OPEN,
			"the tenant's Mautic keeps failing ("+f.status.GetMessage()+"); waiting before trying again", nil)
	}
	next := now.Add(delay)
	if x != nil && x.req.GetRequest().GetDueTime().AsTime().Before(next) {
		e.fail(ctx, ref, x, taskStatus(grpccodes.DeadlineExceeded, dsarv1.ErrorReason_ERROR_REASON_RETRIES_EXHAUSTED,
			"the next retry would be after the legal due date; last error: "+f.status.GetMessage(), nil))
		return false, 0
	}
	return e.retryAt(ctx, ref, x, next, st)
}

// fail marks the task FAILED with st.
func (e *Engine) fail(ctx context.Context, ref taskRef, x *job, st *statuspb.Status) {
	var fence int32
	if x != nil {
		fence = x.attempt
	}
	res, err := e.updateTask(ctx, ref.requestID, ref.tenantID, fence, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if fence == 0 && !runnable(t.GetTask().GetState()) {
			return clean(errStop)
		}
		return e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_FAILED, dsarv1.Verification_VERIFICATION_UNSPECIFIED, st)
	})
	e.afterWrite(ctx, ref.requestID, res, err)
}

// retryAt marks the task RETRYING until next and asks for a re-run then.
func (e *Engine) retryAt(ctx context.Context, ref taskRef, x *job, next time.Time, st *statuspb.Status) (bool, time.Duration) {
	fence := int32(0)
	if x != nil {
		fence = x.attempt
	}
	_, err := e.updateTask(ctx, ref.requestID, ref.tenantID, fence, func(_ *bolt.Tx, _ *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if fence == 0 && !runnable(t.GetTask().GetState()) {
			return clean(errStop)
		}
		t.Task.State = dsarv1.TaskState_TASK_STATE_RETRYING
		t.Task.NextAttemptTime = timestamppb.New(next)
		t.Task.Error = st
		return nil
	})
	if err != nil {
		return false, 0
	}
	return true, next.Sub(e.o.Now())
}

// wait parks a task whose tenant's circuit is open until it may try again,
// without counting an attempt.
func (e *Engine) wait(ctx context.Context, ref taskRef, until time.Time, st *statuspb.Status) (bool, time.Duration) {
	return e.retryAt(ctx, ref, nil, until, st)
}

// afterWrite finalises the request if the write made it terminal.
func (e *Engine) afterWrite(ctx context.Context, requestID string, res writeResult, err error) {
	if err != nil || !res.terminal {
		return
	}
	if err := e.finalize(ctx, requestID); err != nil && ctx.Err() == nil {
		e.o.Logger.Warn("engine: finalising request failed", "request_id", requestID, "error", err)
	}
}

// prepare loads what an attempt needs: the subject, the tenant and a
// connection to its Mautic. Failures here are permanent (the tenant is
// gone, the subject data was purged) or store errors (retried).
func (e *Engine) prepare(ctx context.Context, ref taskRef, req *storagev1.RequestRecord, t *storagev1.TaskRecord) (*job, error) {
	x := &job{e: e, ref: ref, req: req, t: t, j: journalOf(t)}
	plain, err := e.store.Sealer().Open("subject|"+ref.requestID, req.GetSealedSubject())
	if err != nil || len(req.GetSealedSubject()) == 0 {
		return x, permanent(grpccodes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_INTERNAL, "the subject data of this request is no longer available")
	}
	subj := &storagev1.SubjectData{}
	if err := proto.Unmarshal(plain, subj); err != nil {
		return x, permanent(grpccodes.Internal, dsarv1.ErrorReason_ERROR_REASON_INTERNAL, "the subject data of this request is unreadable")
	}
	x.email, x.rect = subj.GetEmail(), subj.GetRectification()
	tn, err := e.store.GetTenant(ctx, ref.tenantID)
	if errors.Is(err, tenants.ErrNotFound) {
		return x, permanent(grpccodes.NotFound, dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "the tenant was deleted")
	}
	if err != nil {
		return x, err
	}
	creds, err := e.store.Credentials(ctx, ref.tenantID)
	if errors.Is(err, tenants.ErrNotFound) {
		return x, permanent(grpccodes.NotFound, dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "the tenant was deleted")
	}
	if err != nil {
		return x, err
	}
	if err := validate.BaseURL(tn.GetBaseUrl(), e.o.AllowHTTPMautic); err != nil {
		return x, permanent(grpccodes.FailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT, "the tenant's base URL "+err.Error())
	}
	e.sched.setLimit(ref.tenantID, int(tn.GetMaxConcurrency()))
	x.tenant = tn
	x.conn = e.client.Conn(instanceOf(tn, creds))
	return x, nil
}

// instanceOf is the Mautic client's view of a tenant.
func instanceOf(t *dsarv1.Tenant, c *storagev1.Credentials) mautic.Instance {
	inst := mautic.Instance{
		TenantID: t.GetTenantId(), BaseURL: t.GetBaseUrl(), MaxConcurrency: int(t.GetMaxConcurrency()),
		PropagateTrace: t.GetPropagateTraceContext(),
	}
	if d := t.GetCallTimeout(); d != nil {
		inst.Timeout = d.AsDuration()
	}
	if b := c.GetBasic(); b != nil {
		inst.Credentials = mautic.Credentials{Username: b.GetUsername(), Password: b.GetPassword()}
	} else if o := c.GetOauth2(); o != nil {
		inst.Credentials = mautic.Credentials{ClientID: o.GetClientId(), ClientSecret: o.GetClientSecret()}
	}
	return inst
}
