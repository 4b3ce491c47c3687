package audit

import (
	"context"
	"testing"

	"go.uber.org/goleak"

	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// openStore opens a fresh store in a temp dir, closed at cleanup.
func openStore(t testing.TB) *tenants.Store {
	t.Helper()
	key := make([]byte, tenants.MasterKeySize)
	for i := range key {
		key[i] = byte(i + 1)
	}
	sealer, err := tenants.NewSealer(key)
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
