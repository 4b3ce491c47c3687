package tenants

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestAPIKeyHashComparedInConstantTime pins that LookupAPIKey compares the
// stored hash with subtle.ConstantTimeCompare.
func TestAPIKeyHashComparedInConstantTime(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "apikeys.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "subtle" && sel.Sel.Name == "ConstantTimeCompare" {
				found = true
			}
		}
		return true
	})
	if !found {
		t.Fatal("apikeys.go does not use subtle.ConstantTimeCompare")
	}
}

func BenchmarkCreateTenant(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b, b.TempDir())
	i := 0
	for b.Loop() {
		if _, err := s.CreateTenant(ctx, basicTenant(fmt.Sprintf("t-%d", i), "acme", "pw")); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkGetTenantAndCredentials(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b, b.TempDir())
	if _, err := s.CreateTenant(ctx, basicTenant("acme-eu", "acme", "pw")); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.GetTenant(ctx, "acme-eu"); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Credentials(ctx, "acme-eu"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListTenantsFiltered lists one customer's tenants among 1000,
// which scans the whole bucket.
func BenchmarkListTenantsFiltered(b *testing.B) {
	ctx := context.Background()
	s, _ := openTestStore(b, b.TempDir())
	for i := 0; i < 1000; i++ {
		if _, err := s.CreateTenant(ctx, basicTenant(fmt.Sprintf("t-%04d", i), fmt.Sprintf("c-%d", i%10), "pw")); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		page, _, err := s.ListTenants(ctx, ListOptions{CustomerID: "c-3", PageSize: 1000})
		if err != nil || len(page) != 100 {
			b.Fatal(len(page), err)
		}
	}
	b.ReportMetric(1000, "tenants_scanned/op")
}
