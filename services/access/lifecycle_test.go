package access

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// collectOne seeds a subject on instance i and collects it as tenantID.
func collectOne(t *testing.T, e *env, requestID, tenantID string, i int) {
	t.Helper()
	ctx := context.Background()
	in := e.fleet.Instance(i)
	id := in.AddContact(map[string]any{"email": canaryEmail, "firstname": "Zoequartz"})
	in.SeedEvents(id, 20)
	ten := e.register(t, tenantID, i, nil)
	conn := e.conn(i, tenantID)
	cs, err := conn.FindByEmail(ctx, canaryEmail)
	if err != nil || len(cs) != 1 {
		t.Fatalf("lookup: %v %d", err, len(cs))
	}
	if _, err := e.p.Collect(ctx, requestID, ten, conn, cs); err != nil {
		t.Fatal(err)
	}
}

func succeeded(id string) *dsarv1.Task {
	return &dsarv1.Task{TenantId: id, State: dsarv1.TaskState_TASK_STATE_SUCCEEDED, CustomerId: "acme"}
}

func TestExpiry(t *testing.T) {
	e := newEnv(t, 1)
	ctx := context.Background()
	collectOne(t, e, "rexp", "t-one", 1)
	info, err := e.p.Build(ctx, accessRequest("rexp", succeeded("t-one")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(e.p.partDir("rexp")); !os.IsNotExist(err) {
		t.Fatalf("parts not removed after a build without failures: %v", err)
	}
	path := e.p.packagePath("rexp")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(DefaultTTL - time.Minute)
	if n, err := e.p.Expire(ctx); n != 0 || err != nil {
		t.Fatalf("expired early: %d %v", n, err)
	}
	e.clock.Add(2 * time.Minute)
	// Past expiry but before RunExpiry ran: already unavailable.
	if got, _ := e.p.Info(ctx, "rexp"); got.GetAvailable() || got.GetReason() != ReasonExpired {
		t.Fatalf("info after expiry time: %v", got)
	}
	if n, err := e.p.Expire(ctx); n != 1 || err != nil {
		t.Fatalf("expire: %d %v", n, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("package file still on disk: %v", err)
	}
	got, err := e.p.Info(ctx, "rexp")
	if err != nil || got.GetAvailable() || got.GetReason() != ReasonExpired || !got.GetExpireTime().AsTime().Equal(info.GetExpireTime().AsTime()) {
		t.Fatalf("info: %v %v", got, err)
	}
	_, _, err = e.p.Open(ctx, "rexp")
	de, ok := errs.As(err)
	if !ok || de.Kind != errs.KindNotFound || de.Reason != dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE || !errors.Is(err, ErrNotAvailable) {
		t.Fatalf("open after expiry: %v", err)
	}
	wantMsg := "the access package of request rexp expired at " + info.GetExpireTime().AsTime().UTC().Format(time.RFC3339) + " and was deleted"
	if de.Message != wantMsg {
		t.Fatalf("message %q, want %q", de.Message, wantMsg)
	}
	if n, err := e.p.Expire(ctx); n != 0 || err != nil {
		t.Fatalf("second expire: %d %v", n, err)
	}
	// Build after expiry does not resurrect it.
	if got, err := e.p.Build(ctx, accessRequest("rexp", succeeded("t-one"))); err != nil || got.GetAvailable() {
		t.Fatalf("build after expiry: %v %v", got, err)
	}
	types := auditTypes(t, e.audit, "rexp")
	if len(types) != 2 || types[0] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_CREATED || types[1] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_EXPIRED {
		t.Fatalf("audit: %v", types)
	}
	if res, err := e.audit.Verify(ctx); err != nil || !res.GetOk() {
		t.Fatalf("audit verify: %v %v", res, err)
	}
}

func TestOpenNotReady(t *testing.T) {
	e := newEnv(t, 1)
	for _, id := range []string{"rnone", "../etc", ""} {
		_, _, err := e.p.Open(context.Background(), id)
		if de, ok := errs.As(err); !ok || de.Reason != dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE || de.Kind != errs.KindNotFound {
			t.Fatalf("%q: %v", id, err)
		}
		if info, err := e.p.Info(context.Background(), id); err != nil || info.GetAvailable() || info.GetReason() != ReasonNotReady {
			t.Fatalf("%q info: %v %v", id, info, err)
		}
	}
}

func TestRebuildAfterRetry(t *testing.T) {
	e := newEnv(t, 2)
	ctx := context.Background()
	collectOne(t, e, "rretry", "t-one", 1)
	e.register(t, "t-two", 2, nil)
	failed := &dsarv1.Task{TenantId: "t-two", State: dsarv1.TaskState_TASK_STATE_FAILED}
	first, err := e.p.Build(ctx, accessRequest("rretry", succeeded("t-one"), failed))
	if err != nil {
		t.Fatal(err)
	}
	files, _ := readPackage(t, e.p, "rretry")
	if _, ok := files["tenants/t-two/data.json"]; ok {
		t.Fatal("failed tenant has data")
	}
	// The retry collects t-two; the parts of t-one were kept for this.
	in := e.fleet.Instance(2)
	id := in.AddContact(map[string]any{"email": canaryEmail})
	in.SeedEvents(id, 5)
	ten, _ := e.store.GetTenant(ctx, "t-two")
	conn := e.conn(2, "t-two")
	cs, _ := conn.FindByEmail(ctx, canaryEmail)
	if _, err := e.p.Collect(ctx, "rretry", ten, conn, cs); err != nil {
		t.Fatal(err)
	}
	second, err := e.p.Build(ctx, accessRequest("rretry", succeeded("t-one"), succeeded("t-two")))
	if err != nil || second.GetSha256() == first.GetSha256() {
		t.Fatalf("no rebuild: %v %v", second, err)
	}
	files, _ = readPackage(t, e.p, "rretry")
	for _, name := range []string{"tenants/t-one/data.json", "tenants/t-two/data.json"} {
		if !strings.Contains(string(files[name]), `"activity":[{`) {
			t.Fatalf("%s missing or empty after the rebuild", name)
		}
	}
	if _, err := os.Stat(e.p.partDir("rretry")); !os.IsNotExist(err) {
		t.Fatal("parts kept after a build without failures")
	}
}

func TestAbandonedPartsExpire(t *testing.T) {
	e := newEnv(t, 1)
	ctx := context.Background()
	collectOne(t, e, "rabandon", "t-one", 1)
	if n, err := e.p.Expire(ctx); n != 0 || err != nil {
		t.Fatal(n, err)
	}
	if _, err := os.Stat(e.p.partDir("rabandon")); err != nil {
		t.Fatal("fresh parts removed")
	}
	e.clock.Add(DefaultTTL + time.Hour)
	if _, err := e.p.Expire(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(e.p.partDir("rabandon")); !os.IsNotExist(err) {
		t.Fatal("abandoned parts still on disk")
	}
	if types := auditTypes(t, e.audit, "rabandon"); len(types) != 1 || types[0] != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_EXPIRED {
		t.Fatalf("audit: %v", types)
	}
}

func TestRunExpiryStops(t *testing.T) {
	e := newEnv(t, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.p.RunExpiry(ctx, time.Millisecond) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
}

func TestCountDownloadAndCorruptPackage(t *testing.T) {
	e := newEnv(t, 1)
	ctx := context.Background()
	collectOne(t, e, "rdl", "t-one", 1)
	if _, err := e.p.Build(ctx, accessRequest("rdl", succeeded("t-one"))); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := e.p.CountDownload(ctx, "rdl"); err != nil {
			t.Fatal(err)
		}
	}
	if info, _ := e.p.Info(ctx, "rdl"); info.GetDownloads() != 2 {
		t.Fatalf("downloads %d", info.GetDownloads())
	}
	if err := e.p.CountDownload(ctx, "rnope"); !errors.Is(err, ErrNotAvailable) {
		t.Fatal(err)
	}
	// Flip one byte of the file: reading fails instead of returning garbage.
	path := e.p.packagePath("rdl")
	b, _ := os.ReadFile(path)
	b[len(b)/2] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	rc, _, err := e.p.Open(ctx, "rdl")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, err := readAll(rc); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("tampered package read: %v", err)
	}
}
