package access

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/audit"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is a packager over a fresh store, with an emulated Mautic fleet.
type env struct {
	store  *tenants.Store
	audit  *audit.Log
	p      *Packager
	clock  *clock
	fleet  *mautictest.Fleet
	srv    *httptest.Server
	client *mautic.Client
}

func newEnv(t testing.TB, instances int) *env {
	t.Helper()
	key := make([]byte, tenants.MasterKeySize)
	for i := range key {
		key[i] = byte(7 * i)
	}
	sealer, err := tenants.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	ck := &clock{t: time.Now().UTC().Truncate(time.Second)}
	st, err := tenants.Open(context.Background(), t.TempDir(), sealer, tenants.WithClock(ck.Now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	al := audit.New(st)
	p, err := New(st, al, Options{Now: ck.Now})
	if err != nil {
		t.Fatal(err)
	}
	fleet := mautictest.NewFleet(instances)
	srv := httptest.NewServer(fleet)
	t.Cleanup(srv.Close)
	client := mautic.NewClient()
	return &env{store: st, audit: al, p: p, clock: ck, fleet: fleet, srv: srv, client: client}
}

// conn is a client connection to instance i as tenant tenantID.
func (e *env) conn(i int, tenantID string) *mautic.Conn {
	return e.client.Conn(mautic.Instance{
		TenantID: tenantID, BaseURL: mautictest.InstanceURL(e.srv.URL, i),
		Credentials: mautic.Credentials{ClientID: mautictest.ClientID(i), ClientSecret: mautictest.ClientSecret(i)},
	})
}

// register stores tenant id for instance i, with notice (may be nil).
func (e *env) register(t testing.TB, id string, i int, notice *dsarv1.PrivacyNotice) *dsarv1.Tenant {
	t.Helper()
	ten, err := e.store.CreateTenant(context.Background(), &dsarv1.Tenant{
		TenantId: id, CustomerId: "acme", DisplayName: "Instance " + id, BaseUrl: mautictest.InstanceURL(e.srv.URL, i),
		Oauth2: &dsarv1.OAuth2{ClientId: mautictest.ClientID(i), ClientSecret: mautictest.ClientSecret(i)}, PrivacyNotice: notice,
	})
	if err != nil {
		t.Fatal(err)
	}
	return ten
}

// readPackage opens and unzips the package of requestID.
func readPackage(t testing.TB, p *Packager, requestID string) (map[string][]byte, []string) {
	t.Helper()
	rc, size, err := p.Open(context.Background(), requestID)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(b)) != size {
		t.Fatalf("package is %d bytes, Open said %d", len(b), size)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var order []string
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		c, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = c
		order = append(order, f.Name)
	}
	return files, order
}

// grepDataDir fails if any file under dir contains any canary, in any case.
func grepDataDir(t testing.TB, dir string, canaries ...string) {
	t.Helper()
	n := 0
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		low := bytes.ToLower(b)
		for _, c := range canaries {
			if bytes.Contains(low, []byte(strings.ToLower(c))) {
				t.Errorf("%s holds %q in plain text", path, c)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no files in the data directory")
	}
}

// auditTypes lists the types of the audit events of requestID.
func auditTypes(t testing.TB, l *audit.Log, requestID string) []dsarv1.AuditEventType {
	t.Helper()
	evs, _, err := l.List(context.Background(), audit.Filter{RequestID: requestID}, 1000, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []dsarv1.AuditEventType
	for _, ev := range evs {
		out = append(out, ev.GetType())
	}
	return out
}

func readAll(r io.Reader) ([]byte, error) { return io.ReadAll(r) }
