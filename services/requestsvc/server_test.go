package requestsvc

import (
	"context"
	"crypto/rand"
	"testing"

	bolt "go.etcd.io/bbolt"
	"go.uber.org/goleak"
	"google.golang.org/grpc"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/engine"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type nopAuditor struct{}

func (nopAuditor) Append(context.Context, *dsarv1.AuditEvent) error             { return nil }
func (nopAuditor) AppendTx(context.Context, *bolt.Tx, *dsarv1.AuditEvent) error { return nil }

// stream collects what WatchRequest sends.
type stream struct {
	grpc.ServerStream
	ctx  context.Context
	sent []*dsarv1.WatchRequestResponse
}

func (s *stream) Context() context.Context { return s.ctx }
func (s *stream) Send(m *dsarv1.WatchRequestResponse) error {
	s.sent = append(s.sent, m)
	return nil
}

func TestServer(t *testing.T) {
	key := make([]byte, tenants.MasterKeySize)
	_, _ = rand.Read(key)
	sealer, _ := tenants.NewSealer(key)
	st, err := tenants.Open(context.Background(), t.TempDir(), sealer)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.CreateTenant(context.Background(), &dsarv1.Tenant{TenantId: "t1", CustomerId: "acme",
		BaseUrl: "https://mautic.example.com", BasicAuth: &dsarv1.BasicAuth{Username: "u", Password: "p"}}); err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(st, mautic.NewClient(), nopAuditor{}, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := New(e)
	ctx := authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "op", Role: dsarv1.Role_ROLE_OPERATOR})
	cr, err := s.CreateRequest(ctx, &dsarv1.CreateRequestRequest{Type: dsarv1.RequestType_REQUEST_TYPE_ERASURE,
		Subject: &dsarv1.Subject{Email: "bob@example.org"}, Target: &dsarv1.Target{TenantIds: []string{"t1"}}})
	if err != nil {
		t.Fatal(err)
	}
	id := cr.GetRequest().GetRequestId()
	if cr.GetRequest().GetState() != dsarv1.RequestState_REQUEST_STATE_PENDING || len(cr.GetRequest().GetTasks()) != 1 {
		t.Errorf("created %v", cr.GetRequest())
	}
	if g, err := s.GetRequest(ctx, &dsarv1.GetRequestRequest{RequestId: id}); err != nil || g.GetRequest().GetRequestId() != id {
		t.Errorf("get %v %v", g, err)
	}
	if l, err := s.ListRequests(ctx, &dsarv1.ListRequestsRequest{}); err != nil || len(l.GetRequests()) != 1 {
		t.Errorf("list %v %v", l, err)
	}
	if _, err := s.CancelRequest(ctx, &dsarv1.CancelRequestRequest{RequestId: id}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RetryRequest(ctx, &dsarv1.RetryRequestRequest{RequestId: id}); err == nil {
		t.Error("retry of a cancelled request succeeded")
	}
	if _, err := s.ConfirmTask(ctx, &dsarv1.ConfirmTaskRequest{RequestId: id, TenantId: "t1", ContactIds: []int64{1}}); err == nil {
		t.Error("confirm of a cancelled task succeeded")
	}
	w := &stream{ctx: ctx}
	if err := s.WatchRequest(&dsarv1.WatchRequestRequest{RequestId: id}, w); err != nil {
		t.Fatal(err)
	}
	if len(w.sent) != 1 || w.sent[0].GetRequest().GetState() != dsarv1.RequestState_REQUEST_STATE_CANCELLED {
		t.Errorf("watch sent %v", w.sent)
	}
	_, err = s.GetRequest(ctx, &dsarv1.GetRequestRequest{RequestId: "rmissing"})
	if e, ok := errs.As(err); !ok || e.Kind != errs.KindNotFound {
		t.Errorf("missing request: %v", err)
	}
}
