package engine

import (
	"context"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
	statuspb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// Journal step names.
const (
	stepLookup       = "lookup"
	stepAct          = "act" // a destructive step started (written before it)
	stepDelete       = "delete"
	stepMoved        = "moved" // a resumed erasure found the contact no longer matching and left it alone
	stepPseudonymize = "pseudonymize"
	stepRestrict     = "restrict"
	stepRectify      = "rectify"
	stepCollect      = "collect"
	stepVerify       = "verify"
	stepConfirm      = "confirm"
	stepRetry        = "retry" // RetryRequest: earlier entries are history
)

// job is one attempt of one task.
type job struct {
	e        *Engine
	ref      taskRef
	req      *storagev1.RequestRecord
	t        *storagev1.TaskRecord
	j        journal
	attempt  int32
	email    string
	rect     map[string]string
	tenant   *dsarv1.Tenant
	conn     *mautic.Conn
	span     trace.Span
	contacts []mautic.Contact // this attempt's lookup result, if it ran
	// deferred journal writes ride on the next write of this attempt (or
	// are flushed when the attempt ends early).
	deferred []func(tx *bolt.Tx, t *storagev1.TaskRecord) error
}

// journal is a task's journal since its last retry marker.
type journal []*storagev1.JournalEntry

func journalOf(t *storagev1.TaskRecord) journal {
	all := t.GetJournal()
	for i := len(all) - 1; i >= 0; i-- {
		if all[i].GetStep() == stepRetry {
			return journal(all[i+1:])
		}
	}
	return journal(all)
}

// last is the latest entry of step, or nil.
func (j journal) last(step string) *storagev1.JournalEntry {
	for i := len(j) - 1; i >= 0; i-- {
		if j[i].GetStep() == step {
			return j[i]
		}
	}
	return nil
}

func (j journal) has(step string) bool { return j.last(step) != nil }

// did reports whether step completed for contact id.
func (j journal) did(step string, id int64) bool {
	for _, en := range j {
		if en.GetStep() == step && slices.Contains(en.GetContactIds(), id) {
			return true
		}
	}
	return false
}

func (x *job) parentSpan() trace.SpanContext {
	var tid trace.TraceID
	var sid trace.SpanID
	if len(x.req.GetTraceId()) != len(tid) || len(x.req.GetSpanId()) != len(sid) {
		return trace.SpanContext{}
	}
	copy(tid[:], x.req.GetTraceId())
	copy(sid[:], x.req.GetSpanId())
	return trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.TraceFlags(x.req.GetTraceFlags()), Remote: true,
	})
}

// write applies fn to the task under this attempt's fence and refreshes
// the attempt's copy; it finalises the request if it turned terminal, and
// returns errStop when the task is no longer RUNNING afterwards.
func (x *job) write(ctx context.Context, fn taskMutation) error {
	deferred := x.deferred
	res, err := x.e.updateTask(ctx, x.ref.requestID, x.ref.tenantID, x.attempt, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		for _, d := range deferred {
			if err := d(tx, t); err != nil {
				return err
			}
		}
		return fn(tx, req, t)
	})
	if err != nil {
		return err
	}
	x.deferred = nil
	x.t, x.j = res.task, journalOf(res.task)
	x.e.afterWrite(ctx, x.ref.requestID, res, nil)
	if x.t.GetTask().GetState() != dsarv1.TaskState_TASK_STATE_RUNNING {
		return errStop
	}
	return nil
}

// flush writes the deferred journal entries, if any.
func (x *job) flush(ctx context.Context) error {
	if len(x.deferred) == 0 {
		return nil
	}
	err := x.write(ctx, func(*bolt.Tx, *storagev1.RequestRecord, *storagev1.TaskRecord) error { return nil })
	if err == errStop {
		return nil
	}
	return err
}

// note appends a journal entry to t.
func (x *job) note(t *storagev1.TaskRecord, step string, ids []int64, facts map[string]string) {
	t.Journal = append(t.Journal, &storagev1.JournalEntry{
		Step: step, Time: timestamppb.New(x.e.o.Now()), ContactIds: ids, Facts: facts,
	})
	t.Task.Step = step
}

// event appends an audit event about this task inside tx.
func (x *job) event(ctx context.Context, tx *bolt.Tx, typ dsarv1.AuditEventType, ids []int64, attrs map[string]string) error {
	return x.e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
		Type: typ, CustomerId: x.ref.customerID, TenantId: x.ref.tenantID, RequestId: x.ref.requestID,
		SubjectRef: x.req.GetRequest().GetSubjectRef(), ContactIds: ids, Attributes: attrs,
	})
}

// complete puts t into a terminal (or NEEDS_CONFIRMATION) state inside tx
// and records TASK_COMPLETED for terminal states.
func (e *Engine) complete(ctx context.Context, tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord,
	state dsarv1.TaskState, v dsarv1.Verification, st *statuspb.Status) error {
	t.Task.State = state
	t.Task.Verification = v
	t.Task.Error = st
	t.Task.NextAttemptTime = nil
	if !TaskTerminal(state) {
		return nil
	}
	attrs := map[string]string{"state": state.String()}
	if v != dsarv1.Verification_VERIFICATION_UNSPECIFIED {
		attrs["verification"] = v.String()
	}
	if st != nil {
		attrs["error"] = st.GetMessage()
	}
	return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TASK_COMPLETED, CustomerId: t.GetTask().GetCustomerId(),
		TenantId: t.GetTask().GetTenantId(), RequestId: t.GetRequestId(),
		SubjectRef: req.GetRequest().GetSubjectRef(), ContactIds: t.GetTask().GetContactIds(), Attributes: attrs,
	})
}

// finish ends the task in state.
func (x *job) finish(ctx context.Context, state dsarv1.TaskState, v dsarv1.Verification, st *statuspb.Status, extra func(t *storagev1.TaskRecord)) error {
	err := x.write(ctx, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if extra != nil {
			extra(t)
		}
		return x.e.complete(ctx, tx, req, t, state, v, st)
	})
	if err == errStop {
		return nil
	}
	return err
}

// run executes the task's remaining steps.
func (x *job) run(ctx context.Context) error {
	if !x.j.has(stepLookup) {
		if err := x.lookup(ctx); err != nil {
			return err
		}
	}
	resumed := x.j.has(stepAct)
	ids := x.targets()
	r := x.req.GetRequest()
	switch r.GetType() {
	case dsarv1.RequestType_REQUEST_TYPE_ERASURE:
		if r.GetErasureMode() == dsarv1.ErasureMode_ERASURE_MODE_PSEUDONYMIZE {
			return x.pseudonymize(ctx, ids)
		}
		return x.erase(ctx, ids, resumed)
	case dsarv1.RequestType_REQUEST_TYPE_RESTRICTION:
		return x.restrict(ctx, ids)
	case dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION:
		return x.rectify(ctx, ids)
	case dsarv1.RequestType_REQUEST_TYPE_ACCESS:
		return x.collect(ctx, ids)
	}
	return permanent(codes.InvalidArgument, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT, "unknown request type")
}

// targets are the contacts the task acts on: the confirmed ones, else the
// lookup's matches.
func (x *job) targets() []int64 {
	if c := x.t.GetConfirmedContactIds(); len(c) > 0 {
		return slices.Clone(c)
	}
	return slices.Clone(x.j.last(stepLookup).GetContactIds())
}

// needsConfirmation reports whether more than one match must wait for a
// human: for steps that can destroy or merge contacts.
func needsConfirmation(t dsarv1.RequestType) bool {
	return t == dsarv1.RequestType_REQUEST_TYPE_ERASURE || t == dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
}

// startAct journals that a destructive step begins on ids, unless the
// request was cancelled (then the task is CANCELLED and errStop returned).
func (x *job) startAct(ctx context.Context, ids []int64, facts map[string]string) error {
	if x.j.has(stepAct) {
		return nil
	}
	return x.write(ctx, func(tx *bolt.Tx, req *storagev1.RequestRecord, t *storagev1.TaskRecord) error {
		if req.GetCancelRequested() {
			return x.e.complete(ctx, tx, req, t, dsarv1.TaskState_TASK_STATE_CANCELLED, dsarv1.Verification_VERIFICATION_UNSPECIFIED, nil)
		}
		x.note(t, stepAct, ids, facts)
		t.Task.ContactIds = ids
		return nil
	})
}

// idSet is a set of contact ids.
func idSet(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func itoa(n int) string { return strconv.Itoa(n) }

func matchCountAttr(n int) attribute.KeyValue { return attribute.Int("dsar.match_count", n) }
