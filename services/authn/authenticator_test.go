package authn

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

const bootstrap = "bootstrap-operator-key-0123456789abcdef"

func openStore(t *testing.T) *tenants.Store {
	t.Helper()
	sealer, err := tenants.NewSealer(make([]byte, tenants.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	s, err := tenants.Open(context.Background(), t.TempDir(), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

type failingStore struct{}

func (failingStore) LookupAPIKey(context.Context, string) (*dsarv1.ApiKey, error) {
	return nil, errors.New("disk on fire")
}

func TestAuthenticate(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	cust, custSecret, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_CUSTOMER, "acme", "acme portal")
	if err != nil {
		t.Fatal(err)
	}
	_, audSecret, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_AUDITOR, "", "auditor")
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedSecret, err := s.CreateAPIKey(ctx, dsarv1.Role_ROLE_OPERATOR, "", "old")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAPIKey(ctx, revoked.KeyId); err != nil {
		t.Fatal(err)
	}
	a := NewAuthenticator(s, bootstrap)
	tests := []struct {
		name     string
		a        *Authenticator
		bearer   string
		want     Principal
		wantKind errs.Kind
	}{
		{"bootstrap", a, bootstrap, Principal{KeyID: "bootstrap", Role: dsarv1.Role_ROLE_OPERATOR}, 0},
		{"bootstrap with scheme", a, "Bearer " + bootstrap, Principal{KeyID: "bootstrap", Role: dsarv1.Role_ROLE_OPERATOR}, 0},
		{"stored customer", a, custSecret, Principal{KeyID: cust.KeyId, Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"}, 0},
		{"stored auditor", a, audSecret, Principal{Role: dsarv1.Role_ROLE_AUDITOR}, 0},
		{"unknown", a, "mdsar_unknown", Principal{}, errs.KindUnauthenticated},
		{"bootstrap prefix", a, bootstrap[:len(bootstrap)-1], Principal{}, errs.KindUnauthenticated},
		{"bootstrap longer", a, bootstrap + "x", Principal{}, errs.KindUnauthenticated},
		{"revoked", a, revokedSecret, Principal{}, errs.KindUnauthenticated},
		{"empty", a, "", Principal{}, errs.KindUnauthenticated},
		{"scheme only", a, "Bearer ", Principal{}, errs.KindUnauthenticated},
		{"no bootstrap configured", NewAuthenticator(s, ""), "", Principal{}, errs.KindUnauthenticated},
		{"nil store", NewAuthenticator(nil, bootstrap), custSecret, Principal{}, errs.KindUnauthenticated},
		{"store failure", NewAuthenticator(failingStore{}, bootstrap), custSecret, Principal{}, errs.KindInternal},
		{"bootstrap without store", NewAuthenticator(nil, bootstrap), bootstrap, Principal{KeyID: "bootstrap", Role: dsarv1.Role_ROLE_OPERATOR}, 0},
	}
	for _, tc := range tests {
		p, err := tc.a.Authenticate(ctx, tc.bearer)
		if tc.wantKind != 0 {
			e, ok := errs.As(err)
			if !ok || e.Kind != tc.wantKind {
				t.Errorf("%s: err = %v, want kind %d", tc.name, err, tc.wantKind)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if tc.want.KeyID == "" {
			tc.want.KeyID = p.KeyID
		}
		if p != tc.want {
			t.Errorf("%s: principal = %+v, want %+v", tc.name, p, tc.want)
		}
	}
}

// TestConstantTimeCompare pins that the bootstrap key is compared with
// subtle.ConstantTimeCompare, never with == or bytes.Equal.
func TestConstantTimeCompare(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "authenticator.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare" {
				found = true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "bytes" && sel.Sel.Name == "Equal" {
				t.Error("authenticator.go compares with bytes.Equal")
			}
		}
		return true
	})
	if !found {
		t.Fatal("authenticator.go does not call subtle.ConstantTimeCompare")
	}
}

func TestPrincipalRoles(t *testing.T) {
	op := Principal{Role: dsarv1.Role_ROLE_OPERATOR}
	cust := Principal{Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"}
	aud := Principal{Role: dsarv1.Role_ROLE_AUDITOR}
	for _, tc := range []struct {
		p        Principal
		customer string
		want     bool
	}{
		{op, "x", true}, {aud, "x", true}, {cust, "acme", true}, {cust, "globex", false},
		{Principal{Role: dsarv1.Role_ROLE_CUSTOMER}, "", false}, {Principal{}, "acme", false},
	} {
		if got := tc.p.CanSeeCustomer(tc.customer); got != tc.want {
			t.Errorf("%+v.CanSeeCustomer(%q) = %v", tc.p, tc.customer, got)
		}
	}
	ctx := WithPrincipal(context.Background(), cust)
	if p, ok := FromContext(ctx); !ok || p != cust {
		t.Fatal("principal not carried")
	}
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("principal from empty context")
	}
}

func BenchmarkAuthenticateBootstrap(b *testing.B) {
	a := NewAuthenticator(nil, bootstrap)
	for b.Loop() {
		if _, err := a.Authenticate(context.Background(), bootstrap); err != nil {
			b.Fatal(err)
		}
	}
}
