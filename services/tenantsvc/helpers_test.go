package tenantsvc

import (
	"context"
	"strings"
	"sync"
	"testing"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Canary secrets: they must never appear in any response or audit event.
const (
	canaryPassword = "CANARY-pw-5d1e"
	canarySecret   = "CANARY-secret-8a2c"
)

var (
	opCtx     = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "op", Role: dsarv1.Role_ROLE_OPERATOR})
	audCtx    = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "aud", Role: dsarv1.Role_ROLE_AUDITOR})
	acmeCtx   = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "acme", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"})
	globexCtx = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "globex", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "globex"})
	anonCtx   = context.Background()
)

type fakeAuditor struct {
	mu     sync.Mutex
	events []*dsarv1.AuditEvent
}

func (a *fakeAuditor) Append(_ context.Context, ev *dsarv1.AuditEvent) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, proto.CloneOf(ev))
	return nil
}

func (a *fakeAuditor) types() []dsarv1.AuditEventType {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []dsarv1.AuditEventType
	for _, e := range a.events {
		out = append(out, e.Type)
	}
	return out
}

func (a *fakeAuditor) reset() {
	a.mu.Lock()
	a.events = nil
	a.mu.Unlock()
}

type fakeVerifier struct {
	res     *dsarv1.VerifyTenantResponse
	gotPass string
}

func (v *fakeVerifier) Verify(_ context.Context, _ *dsarv1.Tenant, c *storagev1.Credentials) *dsarv1.VerifyTenantResponse {
	v.gotPass = c.GetBasic().GetPassword() + c.GetOauth2().GetClientSecret()
	return proto.CloneOf(v.res)
}

type fixture struct {
	srv   *Server
	store *tenants.Store
	audit *fakeAuditor
	ver   *fakeVerifier
}

func newFixture(t *testing.T) *fixture {
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
	f := &fixture{store: st, audit: &fakeAuditor{}, ver: &fakeVerifier{res: &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK}}}
	f.srv = New(st, f.ver, f.audit, Options{})
	return f
}

func basic(id, customer string) *dsarv1.Tenant {
	return &dsarv1.Tenant{
		TenantId: id, CustomerId: customer, BaseUrl: "https://" + id + ".example.com",
		BasicAuth: &dsarv1.BasicAuth{Username: "api", Password: canaryPassword},
	}
}

// mustCreate creates tenants as an operator.
func (f *fixture) mustCreate(t *testing.T, ts ...*dsarv1.Tenant) {
	t.Helper()
	for _, tn := range ts {
		if _, err := f.srv.CreateTenant(opCtx, &dsarv1.CreateTenantRequest{Tenant: tn}); err != nil {
			t.Fatalf("create %s: %v", tn.TenantId, err)
		}
	}
}

// kind returns the errs.Kind of err (0 for nil, -1 for a non-domain error).
func kind(err error) errs.Kind {
	if err == nil {
		return 0
	}
	if e, ok := errs.As(err); ok {
		return e.Kind
	}
	return -1
}

// assertNoSecrets fails if any message, marshalled as protojson, or err
// contains a canary.
func assertNoSecrets(t *testing.T, what string, err error, msgs ...proto.Message) {
	t.Helper()
	var b strings.Builder
	for _, m := range msgs {
		if m == nil {
			continue
		}
		j, merr := protojson.Marshal(m)
		if merr != nil {
			t.Fatal(merr)
		}
		b.Write(j)
	}
	for _, c := range []string{"basicAuth", "oauth2\":", "password", "clientSecret"} {
		if strings.Contains(b.String(), c) {
			t.Errorf("%s: response contains %q: %s", what, c, b.String())
		}
	}
	if err != nil {
		b.WriteString(err.Error())
	}
	for _, c := range []string{canaryPassword, canarySecret} {
		if strings.Contains(b.String(), c) {
			t.Errorf("%s: response or error contains a secret: %s", what, b.String())
		}
	}
}
