package engine

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"

	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// errIdemHit and errDuplicate stop a create transaction that found an
// existing request.
var (
	errIdemHit   = errors.New("engine: idempotency key exists")
	errDuplicate = errors.New("engine: duplicate running request")
)

// Create validates a request, stores it with one task per targeted tenant
// and the REQUEST_CREATED audit event in one transaction, queues the tasks
// and returns at once; execution is asynchronous.
func (e *Engine) Create(ctx context.Context, in *dsarv1.CreateRequestRequest) (*dsarv1.Request, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !(p.IsOperator() || (p.IsCustomer() && p.CustomerID != "")) {
		return nil, errs.PermissionDenied("only operator and customer keys may create requests")
	}
	ci, err := checkCreate(in)
	if err != nil {
		return nil, err
	}
	if in.GetTarget().GetAllTenants() && !p.IsOperator() {
		return nil, errs.PermissionDenied("only an operator key may target all tenants")
	}
	scope := idemScope(p)
	body := e.bodyHash(in, ci)
	if key := in.GetIdempotencyKey(); key != "" {
		if r, err := e.idempotent(ctx, scope, key, body); r != nil || err != nil {
			return r, err
		}
	}
	targets, err := e.resolveTarget(ctx, p, in.GetTarget())
	if err != nil {
		return nil, err
	}
	req, tasks, err := e.newRecords(ctx, p, in, ci, targets, scope, body)
	if err != nil {
		return nil, errs.Internal(err)
	}
	r := req.GetRequest()
	var found string
	err = e.commit.do(ctx, func(tx *bolt.Tx) error {
		found = ""
		if key := in.GetIdempotencyKey(); key != "" {
			if v := tx.Bucket(tenants.BucketIdempotency).Get(idemKey(scope, key)); v != nil {
				found = string(v)
				return clean(errIdemHit)
			}
		}
		active := tx.Bucket(tenants.BucketActiveSubjects)
		if !r.GetDryRun() {
			for _, t := range tasks {
				if v := active.Get(activeKey(req.GetSubjectKey(), r.GetType(), t.GetTask().GetTenantId())); v != nil {
					found = string(v) + "\x00" + t.GetTask().GetTenantId()
					return clean(errDuplicate)
				}
			}
		}
		if err := putRequest(tx, req); err != nil {
			return err
		}
		for _, t := range tasks {
			if err := putTask(tx, t); err != nil {
				return err
			}
			if !r.GetDryRun() {
				if err := active.Put(activeKey(req.GetSubjectKey(), r.GetType(), t.GetTask().GetTenantId()), []byte(r.GetRequestId())); err != nil {
					return err
				}
			}
		}
		if key := in.GetIdempotencyKey(); key != "" {
			if err := tx.Bucket(tenants.BucketIdempotency).Put(idemKey(scope, key), []byte(r.GetRequestId())); err != nil {
				return err
			}
		}
		return e.audit.AppendTx(ctx, tx, &dsarv1.AuditEvent{
			Type:       dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_CREATED,
			CustomerId: singleCustomer(r),
			RequestId:  r.GetRequestId(),
			SubjectRef: r.GetSubjectRef(),
			Attributes: map[string]string{
				"type": r.GetType().String(), "tenants": strconv.Itoa(len(tasks)),
				"dry_run": strconv.FormatBool(r.GetDryRun()), "erasure_mode": r.GetErasureMode().String(),
			},
		})
	})
	switch {
	case errors.Is(err, errIdemHit):
		return e.idempotent(ctx, scope, in.GetIdempotencyKey(), body)
	case errors.Is(err, errDuplicate):
		id, tenant, _ := bytes.Cut([]byte(found), []byte{0})
		de := errs.AlreadyExists(dsarv1.ErrorReason_ERROR_REASON_DUPLICATE_REQUEST,
			fmt.Sprintf("request %s for the same subject and type is still running on tenant %q; wait for it or cancel it", id, tenant))
		de.Metadata = map[string]string{"request_id": string(id), "tenant_id": string(tenant)}
		return nil, de
	case err != nil:
		return nil, errs.Internal(err)
	}
	for _, t := range tasks {
		e.sched.add(taskRef{requestID: r.GetRequestId(), tenantID: t.GetTask().GetTenantId(), customerID: t.GetTask().GetCustomerId()}, 0)
	}
	e.hub.publish(r.GetRequestId())
	return viewOf(req, tasks), nil
}

// idemScope is the namespace of idempotency keys: one per customer, one for
// all operators.
func idemScope(p authn.Principal) string {
	if p.IsCustomer() {
		return "customer:" + p.CustomerID
	}
	return "operator"
}

// bodyHash is a keyed hash of the normalised create body without its
// idempotency key (keyed, because the body holds the subject's email).
func (e *Engine) bodyHash(in *dsarv1.CreateRequestRequest, ci *createInput) []byte {
	c := proto.Clone(in).(*dsarv1.CreateRequestRequest)
	c.IdempotencyKey = ""
	c.Subject = &dsarv1.Subject{Email: ci.email}
	c.ErasureMode = ci.mode
	if ci.rect != nil {
		c.Rectification = &dsarv1.Rectification{Fields: ci.rect}
	}
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum, _ := hex.DecodeString(e.store.Sealer().Ref("create-body", string(b)))
	return sum
}

// idempotent returns the request stored under key if its body matches, an
// ALREADY_EXISTS error if it does not, and (nil, nil) if there is none.
func (e *Engine) idempotent(ctx context.Context, scope, key string, body []byte) (*dsarv1.Request, error) {
	var id string
	var rec *storagev1.RequestRecord
	err := e.store.View(ctx, "engine.idempotency", func(tx *bolt.Tx) error {
		v := tx.Bucket(tenants.BucketIdempotency).Get(idemKey(scope, key))
		if v == nil {
			return nil
		}
		id = string(v)
		var err error
		rec, err = getRequest(tx, id)
		return err
	})
	if err != nil {
		return nil, errs.Internal(err)
	}
	if rec == nil {
		return nil, nil
	}
	if !bytes.Equal(rec.GetBodySha256(), body) {
		return nil, errs.AlreadyExists(dsarv1.ErrorReason_ERROR_REASON_IDEMPOTENCY_KEY_REUSED,
			"the idempotency key was used before with a different request body")
	}
	view, _, err := e.load(ctx, id)
	if err != nil {
		return nil, errs.Internal(err)
	}
	return view, nil
}

// newRecords builds the request and task records of a new request.
func (e *Engine) newRecords(ctx context.Context, p authn.Principal, in *dsarv1.CreateRequestRequest, ci *createInput,
	targets []*dsarv1.Tenant, scope string, body []byte) (*storagev1.RequestRecord, []*storagev1.TaskRecord, error) {
	now := e.o.Now()
	id := newRequestID(now)
	subjectKey := e.store.Sealer().Ref("subject", ci.email)
	plain, err := proto.Marshal(&storagev1.SubjectData{Email: ci.email, Rectification: ci.rect})
	if err != nil {
		return nil, nil, err
	}
	sealed, err := e.store.Sealer().Seal("subject|"+id, plain)
	if err != nil {
		return nil, nil, err
	}
	custSet := map[string]bool{}
	tasks := make([]*storagev1.TaskRecord, 0, len(targets))
	for _, t := range targets {
		custSet[t.GetCustomerId()] = true
		tasks = append(tasks, &storagev1.TaskRecord{RequestId: id, Task: &dsarv1.Task{
			TenantId: t.GetTenantId(), CustomerId: t.GetCustomerId(),
			State: dsarv1.TaskState_TASK_STATE_PENDING, UpdateTime: timestamppb.New(now),
		}})
	}
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].GetTask().GetTenantId() < tasks[j].GetTask().GetTenantId() })
	customers := make([]string, 0, len(custSet))
	for c := range custSet {
		customers = append(customers, c)
	}
	sort.Strings(customers)
	fields := make([]string, 0, len(ci.rect))
	for a := range ci.rect {
		fields = append(fields, a)
	}
	sort.Strings(fields)
	r := &dsarv1.Request{
		RequestId: id, Type: in.GetType(), State: dsarv1.RequestState_REQUEST_STATE_PENDING,
		CreateTime: timestamppb.New(now), DueTime: timestamppb.New(DueTime(now)), UpdateTime: timestamppb.New(now),
		IdempotencyKey: in.GetIdempotencyKey(), ErasureMode: ci.mode, DryRun: in.GetDryRun(),
		Target: proto.Clone(in.GetTarget()).(*dsarv1.Target), CustomerIds: customers,
		SubjectRef: subjectKey[:16], RectificationFields: fields, CreatedBy: p.KeyID,
	}
	rec := &storagev1.RequestRecord{
		Request: r, SealedSubject: sealed, BodySha256: body, CreatedBy: p.KeyID,
		TaskStateCounts:  map[int32]int32{int32(dsarv1.TaskState_TASK_STATE_PENDING): int32(len(tasks))},
		IdempotencyScope: scope, SubjectKey: subjectKey,
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		tid, sid := sc.TraceID(), sc.SpanID()
		rec.TraceId, rec.SpanId, rec.TraceFlags = tid[:], sid[:], uint32(sc.TraceFlags())
	}
	return rec, tasks, nil
}
