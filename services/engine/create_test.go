package engine

import (
	"fmt"
	"strings"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// idle builds a harness whose engine does not run, so requests stay put.
func idle(t *testing.T) *harness {
	o := fastOptions()
	o.Concurrency = -1
	ts := []tenantSpec{
		{id: "a1", customer: "acme", instance: 1}, {id: "a2", customer: "acme", instance: 2},
		{id: "g1", customer: "globex", instance: 3},
	}
	return newHarness(t, 3, ts, o)
}

func TestCreateRejects(t *testing.T) {
	h := idle(t)
	ok := func(mut func(*dsarv1.CreateRequestRequest)) *dsarv1.CreateRequestRequest {
		in := erasure("bob@example.org", "a1")
		mut(in)
		return in
	}
	many := make([]string, 10000)
	for i := range many {
		many[i] = fmt.Sprintf("t%d", i)
	}
	tests := []struct {
		name   string
		p      *authn.Principal
		in     *dsarv1.CreateRequestRequest
		kind   errs.Kind
		reason dsarv1.ErrorReason
		field  string
	}{
		{"no principal", nil, ok(func(*dsarv1.CreateRequestRequest) {}), errs.KindUnauthenticated, 0, ""},
		{"auditor", &auditor, ok(func(*dsarv1.CreateRequestRequest) {}), errs.KindPermissionDenied, 0, ""},
		{"bad email", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Subject.Email = "bob@" }), errs.KindInvalidArgument, 0, "subject.email"},
		{"email with spaces inside", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Subject.Email = "b ob@example.org" }), errs.KindInvalidArgument, 0, "subject.email"},
		{"no subject", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Subject = nil }), errs.KindInvalidArgument, 0, "subject"},
		{"no type", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Type = 0 }), errs.KindInvalidArgument, 0, "type"},
		{"unknown type", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Type = 99 }), errs.KindInvalidArgument, 0, "type"},
		{"no target", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target = nil }), errs.KindInvalidArgument, 0, "target"},
		{"empty target", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target = &dsarv1.Target{} }), errs.KindInvalidArgument, 0, "target"},
		{"two target kinds", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.CustomerId = "acme" }), errs.KindInvalidArgument, 0, "target"},
		{"bad tenant id", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.TenantIds = []string{"a1", "A/2"} }), errs.KindInvalidArgument, 0, "target.tenantIds[1]"},
		{"duplicate tenant", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.TenantIds = []string{"a1", "a2", "a1"} }), errs.KindInvalidArgument, 0, "target.tenantIds[2]"},
		{"10000 tenants", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.TenantIds = many }), errs.KindInvalidArgument, 0, "target.tenantIds"},
		{"unknown tenant", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.TenantIds = []string{"a1", "zz"} }), errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, ""},
		{"other customer's tenant", &acme, ok(func(in *dsarv1.CreateRequestRequest) { in.Target.TenantIds = []string{"a1", "g1"} }), errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, ""},
		{"other customer", &acme, ok(func(in *dsarv1.CreateRequestRequest) { in.Target = &dsarv1.Target{CustomerId: "globex"} }), errs.KindPermissionDenied, 0, ""},
		{"customer all tenants", &acme, ok(func(in *dsarv1.CreateRequestRequest) { in.Target = &dsarv1.Target{AllTenants: true} }), errs.KindPermissionDenied, 0, ""},
		{"customer without tenants", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.Target = &dsarv1.Target{CustomerId: "initech"} }), errs.KindFailedPrecondition, dsarv1.ErrorReason_ERROR_REASON_EMPTY_TARGET, ""},
		{"erasure mode on access", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Type = dsarv1.RequestType_REQUEST_TYPE_ACCESS
			in.ErasureMode = dsarv1.ErasureMode_ERASURE_MODE_DELETE
		}), errs.KindInvalidArgument, 0, "erasureMode"},
		{"rectification without fields", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Type = dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
		}), errs.KindInvalidArgument, 0, "rectification.fields"},
		{"rectification bad alias", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Type = dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
			in.Rectification = &dsarv1.Rectification{Fields: map[string]string{"First Name": "x"}}
		}), errs.KindInvalidArgument, 0, "rectification.fields"},
		{"rectification of id", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Type = dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
			in.Rectification = &dsarv1.Rectification{Fields: map[string]string{"id": "7"}}
		}), errs.KindInvalidArgument, 0, "rectification.fields[id]"},
		{"rectification bad email", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Type = dsarv1.RequestType_REQUEST_TYPE_RECTIFICATION
			in.Rectification = &dsarv1.Rectification{Fields: map[string]string{"email": "nope"}}
		}), errs.KindInvalidArgument, 0, "rectification.fields[email]"},
		{"rectification on erasure", &operator, ok(func(in *dsarv1.CreateRequestRequest) {
			in.Rectification = &dsarv1.Rectification{Fields: map[string]string{"firstname": "x"}}
		}), errs.KindInvalidArgument, 0, "rectification"},
		{"idempotency key with control chars", &operator, ok(func(in *dsarv1.CreateRequestRequest) { in.IdempotencyKey = "a\nb" }), errs.KindInvalidArgument, 0, "idempotencyKey"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := as(authn.Principal{})
			if tt.p != nil {
				ctx = as(*tt.p)
			}
			_, err := h.eng.Create(ctx, tt.in)
			e, isErr := errs.As(err)
			if !isErr || e.Kind != tt.kind {
				t.Fatalf("err = %v, want kind %d", err, tt.kind)
			}
			if tt.reason != 0 && e.Reason != tt.reason {
				t.Errorf("reason %v, want %v", e.Reason, tt.reason)
			}
			if tt.field != "" && (len(e.Violations) == 0 || e.Violations[0].Field != tt.field) {
				t.Errorf("violations %v, want field %s", e.Violations, tt.field)
			}
			if strings.Contains(err.Error(), "example.org") {
				t.Errorf("error echoes the subject: %v", err)
			}
		})
	}
	rs, _, err := h.eng.List(as(operator), &dsarv1.ListRequestsRequest{})
	if err != nil || len(rs) != 0 {
		t.Fatalf("rejected creates left %d requests (%v)", len(rs), err)
	}
}

func TestIdempotency(t *testing.T) {
	h := idle(t)
	in := erasure("bob@example.org", "a1")
	in.IdempotencyKey = "ticket-4711"
	first := h.create(acme, in)
	same := erasure("  BOB@example.org", "a1")
	same.IdempotencyKey = "ticket-4711"
	again := h.create(acme, same)
	if again.GetRequestId() != first.GetRequestId() {
		t.Fatalf("same key and body gave a new request %s != %s", again.GetRequestId(), first.GetRequestId())
	}
	other := erasure("alice@example.org", "a1")
	other.IdempotencyKey = "ticket-4711"
	_, err := h.eng.Create(as(acme), other)
	if k, reason := reasonOf(err); k != errs.KindAlreadyExists || reason != dsarv1.ErrorReason_ERROR_REASON_IDEMPOTENCY_KEY_REUSED {
		t.Fatalf("different body: %v", err)
	}
	// Keys are scoped per customer: globex may use the same key.
	g := erasure("bob@example.org", "g1")
	g.IdempotencyKey = "ticket-4711"
	if r := h.create(globex, g); r.GetRequestId() == first.GetRequestId() {
		t.Fatal("idempotency keys leak across customers")
	}
}

func TestDuplicateSubjectGuard(t *testing.T) {
	h := idle(t)
	first := h.create(operator, erasure("bob@example.org", "a1", "a2"))
	_, err := h.eng.Create(as(acme), erasure("Bob@example.org", "a2"))
	e, ok := errs.As(err)
	if !ok || e.Reason != dsarv1.ErrorReason_ERROR_REASON_DUPLICATE_REQUEST || e.Kind != errs.KindAlreadyExists {
		t.Fatalf("overlapping duplicate: %v", err)
	}
	if e.Metadata["request_id"] != first.GetRequestId() || !strings.Contains(e.Message, first.GetRequestId()) {
		t.Errorf("duplicate error does not name the running request: %v %v", e.Message, e.Metadata)
	}
	// Other type, other tenant, other subject, dry run: all fine.
	access := erasure("bob@example.org", "a2")
	access.Type = dsarv1.RequestType_REQUEST_TYPE_ACCESS
	dry := erasure("bob@example.org", "a1")
	dry.DryRun = true
	for _, in := range []*dsarv1.CreateRequestRequest{access, erasure("bob@example.org", "g1"), erasure("carol@example.org", "a1"), dry} {
		h.create(operator, in)
	}
	// Once the first is finished (cancelled here), the subject is free.
	if _, err := h.eng.Cancel(as(operator), first.GetRequestId()); err != nil {
		t.Fatal(err)
	}
	h.create(operator, erasure("bob@example.org", "a2"))
}
