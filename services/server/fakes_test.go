package server_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// kindErrors are the domain errors the fake returns for "kind-<name>" ids.
var kindErrors = map[string]*errs.Error{
	"invalid":      errs.InvalidField("tenant.baseUrl", "must be https"),
	"unauth":       errs.Unauthenticated(),
	"denied":       errs.PermissionDenied("customer keys may not do this"),
	"notfound":     errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "tenant", "x"),
	"exists":       errs.AlreadyExists(dsarv1.ErrorReason_ERROR_REASON_TENANT_ALREADY_EXISTS, "tenant exists"),
	"precondition": errs.FailedPrecondition(dsarv1.ErrorReason_ERROR_REASON_REQUEST_STATE_CONFLICT, "request is finished"),
	"unavailable": {Kind: errs.KindUnavailable, Reason: dsarv1.ErrorReason_ERROR_REASON_MAUTIC_RATE_LIMITED,
		Message: "rate limited", RetryAfter: 2500 * time.Millisecond, Metadata: map[string]string{"retry_after_s": "3"}},
	"exhausted": {Kind: errs.KindResourceExhausted, Message: "too many requests"},
	"deadline":  {Kind: errs.KindDeadlineExceeded, Message: "took too long"},
	"internal":  errs.Internal(errors.New("bolt: disk on fire")),
}

// tenants is a fake TenantService whose GetTenant behaves according to the
// requested id.
type tenants struct {
	dsarv1.UnimplementedTenantServiceServer
	entered chan struct{} // "slow": signalled on entry
	release chan struct{} // "slow": waits for this
	created chan *dsarv1.Tenant
}

func (f *tenants) GetTenant(ctx context.Context, in *dsarv1.GetTenantRequest) (*dsarv1.GetTenantResponse, error) {
	id := in.GetTenantId()
	switch {
	case id == "ok":
		return &dsarv1.GetTenantResponse{Tenant: &dsarv1.Tenant{TenantId: "ok", CustomerId: "acme"}}, nil
	case id == "whoami":
		p, _ := authn.FromContext(ctx)
		return &dsarv1.GetTenantResponse{Tenant: &dsarv1.Tenant{TenantId: id, DisplayName: p.KeyID + "/" + p.Role.String()}}, nil
	case strings.HasPrefix(id, "kind-"):
		e, ok := kindErrors[strings.TrimPrefix(id, "kind-")]
		if !ok {
			return nil, fmt.Errorf("no such kind %q", id)
		}
		return nil, e
	case id == "plain":
		return nil, errors.New("plain failure with cause-detail")
	case id == "wrapped-status-internal":
		return nil, status.Error(codes.Internal, "db path /var/secret broke")
	case id == "status":
		return nil, status.Error(codes.Aborted, "aborted by test")
	case id == "canceled":
		return nil, fmt.Errorf("step: %w", context.Canceled)
	case id == "deadline":
		return nil, fmt.Errorf("step: %w", context.DeadlineExceeded)
	case id == "panic":
		panic("handler exploded")
	case id == "slow":
		f.entered <- struct{}{}
		<-f.release
		return &dsarv1.GetTenantResponse{Tenant: &dsarv1.Tenant{TenantId: id}}, nil
	}
	return nil, errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_TENANT_NOT_FOUND, "tenant", id)
}

func (f *tenants) CreateTenant(_ context.Context, in *dsarv1.CreateTenantRequest) (*dsarv1.CreateTenantResponse, error) {
	t := in.GetTenant()
	if f.created != nil {
		f.created <- t
	}
	return &dsarv1.CreateTenantResponse{Tenant: &dsarv1.Tenant{TenantId: t.GetTenantId(), CustomerId: t.GetCustomerId(), BaseUrl: t.GetBaseUrl()}}, nil
}

// requests is a fake RequestService: Create echoes, Watch streams 3 states.
type requests struct {
	dsarv1.UnimplementedRequestServiceServer
}

func (requests) CreateRequest(_ context.Context, in *dsarv1.CreateRequestRequest) (*dsarv1.CreateRequestResponse, error) {
	if in.GetSubject().GetEmail() == "" {
		return nil, errs.InvalidField("subject.email", "is required")
	}
	return &dsarv1.CreateRequestResponse{Request: &dsarv1.Request{RequestId: "req-1", Type: in.GetType(), State: dsarv1.RequestState_REQUEST_STATE_PENDING}}, nil
}

func (requests) WatchRequest(in *dsarv1.WatchRequestRequest, ss dsarv1.RequestService_WatchRequestServer) error {
	if in.GetRequestId() != "req-1" {
		return errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_REQUEST_NOT_FOUND, "request", in.GetRequestId())
	}
	for _, st := range []dsarv1.RequestState{dsarv1.RequestState_REQUEST_STATE_PENDING, dsarv1.RequestState_REQUEST_STATE_RUNNING, dsarv1.RequestState_REQUEST_STATE_SUCCEEDED} {
		if err := ss.Send(&dsarv1.WatchRequestResponse{Request: &dsarv1.Request{RequestId: "req-1", State: st}}); err != nil {
			return err
		}
	}
	return nil
}

// packages is a fake PackageService streaming a binary file in chunks.
type packages struct {
	dsarv1.UnimplementedPackageServiceServer
	data []byte
}

func (p packages) DownloadPackage(in *dsarv1.DownloadPackageRequest, ss dsarv1.PackageService_DownloadPackageServer) error {
	if in.GetRequestId() == "req-broken" {
		if err := ss.Send(&httpbody.HttpBody{ContentType: "application/zip", Data: p.data[:100]}); err != nil {
			return err
		}
		return errs.Internal(errors.New("decrypt failed"))
	}
	if in.GetRequestId() != "req-1" {
		return errs.FailedPrecondition(dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE, "no package for this request")
	}
	if err := ss.SendHeader(metadata.Pairs("content-disposition", `attachment; filename="req-1.zip"`, "internal-x", "y")); err != nil {
		return err
	}
	const chunk = 1000
	for off := 0; off < len(p.data); off += chunk {
		end := min(off+chunk, len(p.data))
		if err := ss.Send(&httpbody.HttpBody{ContentType: "application/zip", Data: p.data[off:end]}); err != nil {
			return err
		}
	}
	return nil
}
