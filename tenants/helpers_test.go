package tenants

import (
	"context"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testClock is a settable clock for deterministic timestamps.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

func newTestSealer(t testing.TB) *Sealer {
	t.Helper()
	key := make([]byte, MasterKeySize)
	for i := range key {
		key[i] = byte(i + 1)
	}
	s, err := NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func openTestStore(t testing.TB, dir string) (*Store, *testClock) {
	t.Helper()
	clk := &testClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	s, err := Open(context.Background(), dir, newTestSealer(t), WithClock(clk.now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clk
}

func basicTenant(id, customer, password string) *dsarv1.Tenant {
	return &dsarv1.Tenant{
		TenantId: id, CustomerId: customer, BaseUrl: "https://" + id + ".example.com",
		BasicAuth: &dsarv1.BasicAuth{Username: "api", Password: password},
	}
}

func oauthTenant(id, customer, secret string) *dsarv1.Tenant {
	return &dsarv1.Tenant{
		TenantId: id, CustomerId: customer, BaseUrl: "https://" + id + ".example.com",
		Oauth2: &dsarv1.OAuth2{ClientId: "client-" + id, ClientSecret: secret},
	}
}
