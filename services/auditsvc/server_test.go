package auditsvc

import (
	"context"
	"testing"

	"go.uber.org/goleak"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/audit"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T) *Server {
	t.Helper()
	sealer, err := tenants.NewSealer(make([]byte, tenants.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	st, err := tenants.Open(context.Background(), t.TempDir(), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	l := audit.New(st)
	for i, c := range []string{"acme", "acme", "globex", "", "acme"} {
		ev := &dsarv1.AuditEvent{Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREATED, CustomerId: c, TenantId: c + "-t", RequestId: "r1"}
		if i%2 == 1 {
			ev.RequestId = "r2"
		}
		if err := l.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	return New(l)
}

var (
	operator = authn.Principal{KeyID: "op", Role: dsarv1.Role_ROLE_OPERATOR}
	auditor  = authn.Principal{KeyID: "au", Role: dsarv1.Role_ROLE_AUDITOR}
	acme     = authn.Principal{KeyID: "cu", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"}
	unbound  = authn.Principal{KeyID: "cx", Role: dsarv1.Role_ROLE_CUSTOMER}
	norole   = authn.Principal{KeyID: "nr"}
)

func ctxOf(p *authn.Principal) context.Context {
	if p == nil {
		return context.Background()
	}
	return authn.WithPrincipal(context.Background(), *p)
}

func kindOf(err error) errs.Kind {
	if e, ok := errs.As(err); ok {
		return e.Kind
	}
	return 0
}

func TestListAuditEvents(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name     string
		p        *authn.Principal
		in       *dsarv1.ListAuditEventsRequest
		wantKind errs.Kind
		want     int
	}{
		{"unauthenticated", nil, &dsarv1.ListAuditEventsRequest{}, errs.KindUnauthenticated, 0},
		{"unauthenticated before validation", nil, &dsarv1.ListAuditEventsRequest{TenantId: "BAD"}, errs.KindUnauthenticated, 0},
		{"operator all", &operator, &dsarv1.ListAuditEventsRequest{}, 0, 5},
		{"auditor all", &auditor, &dsarv1.ListAuditEventsRequest{}, 0, 5},
		{"auditor by request", &auditor, &dsarv1.ListAuditEventsRequest{RequestId: "r2"}, 0, 2},
		{"operator by tenant", &operator, &dsarv1.ListAuditEventsRequest{TenantId: "globex-t"}, 0, 1},
		{"customer own only", &acme, &dsarv1.ListAuditEventsRequest{}, 0, 3},
		{"customer other tenant filter", &acme, &dsarv1.ListAuditEventsRequest{TenantId: "globex-t"}, 0, 0},
		{"customer without id", &unbound, &dsarv1.ListAuditEventsRequest{}, errs.KindPermissionDenied, 0},
		{"no role", &norole, &dsarv1.ListAuditEventsRequest{}, errs.KindPermissionDenied, 0},
		{"bad tenant id", &operator, &dsarv1.ListAuditEventsRequest{TenantId: "Bad/Id"}, errs.KindInvalidArgument, 0},
		{"bad request id", &operator, &dsarv1.ListAuditEventsRequest{RequestId: "../x"}, errs.KindInvalidArgument, 0},
		{"negative page size", &operator, &dsarv1.ListAuditEventsRequest{PageSize: -1}, errs.KindInvalidArgument, 0},
		{"bad page token", &operator, &dsarv1.ListAuditEventsRequest{PageToken: "nope"}, errs.KindInvalidArgument, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.ListAuditEvents(ctxOf(tc.p), tc.in)
			if kindOf(err) != tc.wantKind || (tc.wantKind == 0 && err != nil) {
				t.Fatalf("err %v, want kind %d", err, tc.wantKind)
			}
			if err != nil {
				return
			}
			if len(res.GetEvents()) != tc.want {
				t.Fatalf("got %d events, want %d", len(res.GetEvents()), tc.want)
			}
			for _, ev := range res.GetEvents() {
				if tc.p.IsCustomer() && ev.GetCustomerId() != tc.p.CustomerID {
					t.Fatalf("customer saw event of %q", ev.GetCustomerId())
				}
			}
		})
	}
}

func TestListPagingThroughService(t *testing.T) {
	s := newServer(t)
	ctx := ctxOf(&acme)
	var got int
	tok := ""
	for range 10 {
		res, err := s.ListAuditEvents(ctx, &dsarv1.ListAuditEventsRequest{PageSize: 1, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		got += len(res.GetEvents())
		if tok = res.GetNextPageToken(); tok == "" {
			break
		}
	}
	if got != 3 || tok != "" {
		t.Fatalf("got %d events over pages, last token %q", got, tok)
	}
}

func TestVerifyAuditLog(t *testing.T) {
	s := newServer(t)
	tests := []struct {
		name     string
		p        *authn.Principal
		wantKind errs.Kind
	}{
		{"unauthenticated", nil, errs.KindUnauthenticated},
		{"operator", &operator, 0},
		{"auditor", &auditor, 0},
		{"customer", &acme, errs.KindPermissionDenied},
		{"no role", &norole, errs.KindPermissionDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := s.VerifyAuditLog(ctxOf(tc.p), &dsarv1.VerifyAuditLogRequest{})
			if kindOf(err) != tc.wantKind || (tc.wantKind == 0 && err != nil) {
				t.Fatalf("err %v, want kind %d", err, tc.wantKind)
			}
			if err == nil && (!res.GetOk() || res.GetEventsChecked() != 5 || res.GetHeadHash() == "") {
				t.Fatalf("verify: %v", res)
			}
		})
	}
}
