package apikeysvc

import (
	"context"
	"strings"
	"sync"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
	"go.uber.org/goleak"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var (
	opCtx   = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "bootstrap", Role: dsarv1.Role_ROLE_OPERATOR})
	audCtx  = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "aud", Role: dsarv1.Role_ROLE_AUDITOR})
	custCtx = authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "c", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"})
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

func newServer(t *testing.T) (*Server, *tenants.Store, *fakeAuditor) {
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
	a := &fakeAuditor{}
	return New(st, a), st, a
}

func kind(err error) errs.Kind {
	if err == nil {
		return 0
	}
	if e, ok := errs.As(err); ok {
		return e.Kind
	}
	return -1
}

func TestRoles(t *testing.T) {
	s, _, _ := newServer(t)
	for _, tc := range []struct {
		name string
		ctx  context.Context
		want errs.Kind
	}{
		{"anonymous", context.Background(), errs.KindUnauthenticated},
		{"customer", custCtx, errs.KindPermissionDenied},
		{"auditor", audCtx, errs.KindPermissionDenied},
		{"operator", opCtx, 0},
	} {
		_, err := s.CreateApiKey(tc.ctx, &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_AUDITOR})
		_, lerr := s.ListApiKeys(tc.ctx, &dsarv1.ListApiKeysRequest{})
		_, derr := s.DeleteApiKey(tc.ctx, &dsarv1.DeleteApiKeyRequest{KeyId: "key-0000000000000000"})
		if kind(err) != tc.want || kind(lerr) != tc.want {
			t.Errorf("%s: create %v, list %v; want kind %d", tc.name, err, lerr, tc.want)
		}
		if want := tc.want; want == 0 && kind(derr) != errs.KindNotFound || want != 0 && kind(derr) != want {
			t.Errorf("%s: delete %v", tc.name, derr)
		}
	}
}

func TestCreateValidation(t *testing.T) {
	s, _, a := newServer(t)
	for _, tc := range []struct {
		name  string
		in    *dsarv1.CreateApiKeyRequest
		field string
	}{
		{"no role", &dsarv1.CreateApiKeyRequest{}, "role"},
		{"unknown role", &dsarv1.CreateApiKeyRequest{Role: 9}, "role"},
		{"customer without id", &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_CUSTOMER}, "customerId"},
		{"customer bad id", &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_CUSTOMER, CustomerId: "../x"}, "customerId"},
		{"operator with customer", &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_OPERATOR, CustomerId: "acme"}, "customerId"},
		{"long description", &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_AUDITOR, Description: strings.Repeat("d", 257)}, "description"},
		{"control description", &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_AUDITOR, Description: "a\x00"}, "description"},
	} {
		_, err := s.CreateApiKey(opCtx, tc.in)
		e, ok := errs.As(err)
		if !ok || e.Kind != errs.KindInvalidArgument || e.Violations[0].Field != tc.field {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if res, _ := s.ListApiKeys(opCtx, &dsarv1.ListApiKeysRequest{}); len(res.GetApiKeys()) != 0 || len(a.events) != 0 {
		t.Fatal("failed creates changed the store or were audited")
	}
}

func TestSecretShownOnce(t *testing.T) {
	s, st, a := newServer(t)
	res, err := s.CreateApiKey(opCtx, &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_CUSTOMER, CustomerId: "acme", Description: "portal"})
	if err != nil {
		t.Fatal(err)
	}
	secret := res.Secret
	if !strings.HasPrefix(secret, "mdsar_") || len(secret) != len("mdsar_")+43 || res.KeyId == "" || res.ApiKey.GetKeyId() != res.KeyId {
		t.Fatalf("create response = key %q, secret length %d", res.KeyId, len(secret))
	}
	j, _ := protojson.Marshal(res.ApiKey)
	if strings.Contains(string(j), secret) {
		t.Fatal("the ApiKey description carries the secret")
	}
	p, err := authn.NewAuthenticator(st, "").Authenticate(context.Background(), secret)
	if err != nil || p.CustomerID != "acme" || p.Role != dsarv1.Role_ROLE_CUSTOMER || p.KeyID != res.KeyId {
		t.Fatalf("new key does not authenticate: %+v, %v", p, err)
	}
	for i := 0; i < 4; i++ {
		if _, err := s.CreateApiKey(opCtx, &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_AUDITOR}); err != nil {
			t.Fatal(err)
		}
	}
	var all []string
	tok := ""
	for {
		page, err := s.ListApiKeys(opCtx, &dsarv1.ListApiKeysRequest{PageSize: 2, PageToken: tok})
		if err != nil {
			t.Fatal(err)
		}
		j, _ := protojson.Marshal(page)
		if strings.Contains(string(j), secret) || strings.Contains(string(j), secret[len("mdsar_"):]) {
			t.Fatal("list response carries a secret")
		}
		for _, k := range page.ApiKeys {
			all = append(all, k.KeyId)
		}
		if tok = page.NextPageToken; tok == "" {
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("listed %d keys, want 5", len(all))
	}
	for _, ev := range a.events {
		if strings.Contains(ev.String(), secret) {
			t.Fatal("audit event carries the secret")
		}
	}
	if _, err := s.ListApiKeys(opCtx, &dsarv1.ListApiKeysRequest{PageToken: "junk"}); kind(err) != errs.KindInvalidArgument {
		t.Fatalf("bad page token: %v", err)
	}
	if _, err := s.ListApiKeys(opCtx, &dsarv1.ListApiKeysRequest{PageSize: -1}); kind(err) != errs.KindInvalidArgument {
		t.Fatalf("negative page size: %v", err)
	}
}

func TestDeleteApiKey(t *testing.T) {
	s, st, a := newServer(t)
	res, err := s.CreateApiKey(opCtx, &dsarv1.CreateApiKeyRequest{Role: dsarv1.Role_ROLE_OPERATOR})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteApiKey(opCtx, &dsarv1.DeleteApiKeyRequest{KeyId: res.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := authn.NewAuthenticator(st, "").Authenticate(context.Background(), res.Secret); kind(err) != errs.KindUnauthenticated {
		t.Fatalf("revoked key still authenticates: %v", err)
	}
	if n := len(a.events); n != 2 || a.events[1].Type != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_API_KEY_DELETED {
		t.Fatalf("audit = %v", a.events)
	}
	for _, tc := range []struct {
		id   string
		want errs.Kind
	}{
		{res.KeyId, errs.KindNotFound}, {"bootstrap", errs.KindInvalidArgument}, {"", errs.KindInvalidArgument},
		{"key/../x", errs.KindInvalidArgument}, {"key\x00", errs.KindInvalidArgument},
	} {
		_, err := s.DeleteApiKey(opCtx, &dsarv1.DeleteApiKeyRequest{KeyId: tc.id})
		if kind(err) != tc.want {
			t.Errorf("delete %q: %v, want kind %d", tc.id, err, tc.want)
		}
		if e, ok := errs.As(err); ok && tc.want == errs.KindNotFound && e.Reason != dsarv1.ErrorReason_ERROR_REASON_API_KEY_NOT_FOUND {
			t.Errorf("reason = %v", e.Reason)
		}
	}
}
