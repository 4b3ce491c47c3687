package packagesvc

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/access"
	"github.com/mautic-dsar/mautic-dsar/services/audit"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeStream collects what the server sends.
type fakeStream struct {
	grpc.ServerStream
	ctx     context.Context
	msgs    []*httpbody.HttpBody
	header  metadata.MD
	sendErr error
}

func (f *fakeStream) Context() context.Context { return f.ctx }

func (f *fakeStream) Send(m *httpbody.HttpBody) error {
	if f.sendErr != nil {
		return f.sendErr
	}
	f.msgs = append(f.msgs, &httpbody.HttpBody{ContentType: m.GetContentType(), Data: bytes.Clone(m.GetData())})
	return nil
}

func (f *fakeStream) SetHeader(md metadata.MD) error {
	f.header = metadata.Join(f.header, md)
	return nil
}

// fakeRequests is a RequestReader over a map; it does not check the caller.
type fakeRequests map[string]*dsarv1.Request

func (f fakeRequests) Get(_ context.Context, id string) (*dsarv1.Request, error) {
	if r, ok := f[id]; ok {
		return r, nil
	}
	return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_REQUEST_NOT_FOUND, "request", id)
}

// failingAudit refuses every event.
type failingAudit struct{}

func (failingAudit) Append(context.Context, *dsarv1.AuditEvent) error { return errors.New("disk full") }

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

type fixture struct {
	srv   *Server
	p     *access.Packager
	audit *audit.Log
	clock *clock
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	sealer, err := tenants.NewSealer(bytes.Repeat([]byte{3}, tenants.MasterKeySize))
	if err != nil {
		t.Fatal(err)
	}
	st, err := tenants.Open(context.Background(), t.TempDir(), sealer)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	al := audit.New(st)
	ck := &clock{t: time.Now()}
	p, err := access.New(st, al, access.Options{Now: ck.now})
	if err != nil {
		t.Fatal(err)
	}
	reqs := fakeRequests{
		"racc": {RequestId: "racc", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, CustomerIds: []string{"acme"}, SubjectRef: "ref",
			Tasks: []*dsarv1.Task{{TenantId: "t-a", State: dsarv1.TaskState_TASK_STATE_NOT_FOUND}}},
		"rwait":  {RequestId: "rwait", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS},
		"rerase": {RequestId: "rerase", Type: dsarv1.RequestType_REQUEST_TYPE_ERASURE},
		"rdone": {RequestId: "rdone", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, State: dsarv1.RequestState_REQUEST_STATE_SUCCEEDED,
			Tasks: []*dsarv1.Task{{TenantId: "t-a", State: dsarv1.TaskState_TASK_STATE_NOT_FOUND}}},
		"rdry": {RequestId: "rdry", Type: dsarv1.RequestType_REQUEST_TYPE_ACCESS, State: dsarv1.RequestState_REQUEST_STATE_SUCCEEDED, DryRun: true},
	}
	if _, err := p.Build(context.Background(), reqs["racc"]); err != nil {
		t.Fatal(err)
	}
	return &fixture{srv: New(p, reqs, al), p: p, audit: al, clock: ck}
}

var (
	operator = authn.Principal{KeyID: "op-key", Role: dsarv1.Role_ROLE_OPERATOR}
	customer = authn.Principal{KeyID: "cu-key", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "acme"}
	auditor  = authn.Principal{KeyID: "au-key", Role: dsarv1.Role_ROLE_AUDITOR}
)

func ctxOf(p *authn.Principal) context.Context {
	if p == nil {
		return context.Background()
	}
	return authn.WithPrincipal(context.Background(), *p)
}

func TestDownloadErrors(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name   string
		p      *authn.Principal
		id     string
		kind   errs.Kind
		reason dsarv1.ErrorReason
	}{
		{"unauthenticated", nil, "", errs.KindUnauthenticated, dsarv1.ErrorReason_ERROR_REASON_UNAUTHENTICATED},
		{"auditor", &auditor, "racc", errs.KindPermissionDenied, dsarv1.ErrorReason_ERROR_REASON_PERMISSION_DENIED},
		{"no role", &authn.Principal{KeyID: "x"}, "racc", errs.KindPermissionDenied, dsarv1.ErrorReason_ERROR_REASON_PERMISSION_DENIED},
		{"no id", &operator, "", errs.KindInvalidArgument, dsarv1.ErrorReason_ERROR_REASON_INVALID_ARGUMENT},
		{"unknown request", &customer, "rnope", errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_REQUEST_NOT_FOUND},
		{"not an access request", &operator, "rerase", errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE},
		{"not built", &operator, "rwait", errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE},
		{"dry run", &operator, "rdry", errs.KindNotFound, dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &fakeStream{ctx: ctxOf(tc.p)}
			err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: tc.id}, s)
			de, ok := errs.As(err)
			if !ok || de.Kind != tc.kind || de.Reason != tc.reason {
				t.Fatalf("got %v, want kind %d reason %v", err, tc.kind, tc.reason)
			}
			if len(s.msgs) != 0 {
				t.Fatal("sent data with an error")
			}
		})
	}
	evs, _, _ := f.audit.List(context.Background(), audit.Filter{RequestID: "racc"}, 100, "")
	for _, ev := range evs {
		if ev.GetType() == dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_DOWNLOADED {
			t.Fatal("a refused download was audited as a download")
		}
	}
}

func TestDownload(t *testing.T) {
	f := newFixture(t)
	for i, p := range []*authn.Principal{&operator, &customer} {
		s := &fakeStream{ctx: ctxOf(p)}
		if err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: "racc"}, s); err != nil {
			t.Fatal(err)
		}
		if len(s.msgs) == 0 || s.msgs[0].GetContentType() != ContentType {
			t.Fatalf("first message %v", s.msgs)
		}
		var all []byte
		for _, m := range s.msgs {
			if len(m.GetData()) > ChunkSize {
				t.Fatalf("chunk of %d bytes", len(m.GetData()))
			}
			all = append(all, m.GetData()...)
		}
		rc, size, err := f.p.Open(context.Background(), "racc")
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(all, want) || int64(len(all)) != size {
			t.Fatal("downloaded bytes differ from the package")
		}
		zr, err := zip.NewReader(bytes.NewReader(all), int64(len(all)))
		if err != nil || len(zr.File) < 3 {
			t.Fatalf("not a zip: %v", err)
		}
		if cd := s.header.Get("content-disposition"); len(cd) != 1 || !strings.Contains(cd[0], "racc") {
			t.Fatalf("content-disposition %v", cd)
		}
		info, _ := f.p.Info(context.Background(), "racc")
		if info.GetDownloads() != int32(i+1) {
			t.Fatalf("downloads %d", info.GetDownloads())
		}
	}
	evs, _, _ := f.audit.List(context.Background(), audit.Filter{RequestID: "racc"}, 100, "")
	var actors []string
	for _, ev := range evs {
		if ev.GetType() == dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_DOWNLOADED {
			actors = append(actors, ev.GetActor())
			if ev.GetCustomerId() != "acme" || ev.GetAttributes()["sha256"] == "" {
				t.Fatalf("event %v", ev)
			}
		}
	}
	if strings.Join(actors, ",") != "op-key,cu-key" {
		t.Fatalf("download actors %v", actors)
	}
}

func TestDownloadExpired(t *testing.T) {
	f := newFixture(t)
	f.clock.t = f.clock.t.Add(access.DefaultTTL + time.Second)
	if _, err := f.p.Expire(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := &fakeStream{ctx: ctxOf(&operator)}
	err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: "racc"}, s)
	de, ok := errs.As(err)
	if !ok || de.Kind != errs.KindNotFound || de.Reason != dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE ||
		!strings.Contains(de.Message, "expired at") || !strings.Contains(de.Message, "was deleted") {
		t.Fatalf("got %v", err)
	}
}

func TestDownloadNotAuditedNotSent(t *testing.T) {
	f := newFixture(t)
	f.srv.audit = failingAudit{}
	s := &fakeStream{ctx: ctxOf(&operator)}
	if err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: "racc"}, s); err == nil || len(s.msgs) != 0 {
		t.Fatalf("download without audit: %v, %d messages", err, len(s.msgs))
	}
}

func TestDownloadClientGone(t *testing.T) {
	f := newFixture(t)
	gone := errors.New("client went away")
	s := &fakeStream{ctx: ctxOf(&operator), sendErr: gone}
	if err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: "racc"}, s); !errors.Is(err, gone) {
		t.Fatalf("got %v", err)
	}
}

func TestDownloadBuildsATerminalRequest(t *testing.T) {
	f := newFixture(t)
	s := &fakeStream{ctx: ctxOf(&customer)}
	if err := f.srv.DownloadPackage(&dsarv1.DownloadPackageRequest{RequestId: "rdone"}, s); err != nil || len(s.msgs) == 0 {
		t.Fatalf("download of a terminal request not built yet: %v", err)
	}
	evs, _, _ := f.audit.List(context.Background(), audit.Filter{RequestID: "rdone"}, 100, "")
	if len(evs) != 2 || evs[0].GetType() != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_CREATED || evs[0].GetActor() != authn.System.KeyID ||
		evs[1].GetType() != dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_DOWNLOADED || evs[1].GetActor() != "cu-key" {
		t.Fatalf("audit: %v", evs)
	}
}
