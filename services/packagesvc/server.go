package packagesvc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/metadata"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/access"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

// ChunkSize is the largest data payload of one streamed message.
const ChunkSize = 64 << 10

// ContentType is the content type of a package download.
const ContentType = "application/zip"

// RequestReader reads a request on behalf of the caller in ctx, enforcing
// who may see it (satisfied by *engine.Engine).
type RequestReader interface {
	Get(ctx context.Context, requestID string) (*dsarv1.Request, error)
}

// Auditor records downloads (satisfied by *audit.Log).
type Auditor interface {
	Append(ctx context.Context, ev *dsarv1.AuditEvent) error
}

// Server implements dsarv1.PackageServiceServer.
type Server struct {
	dsarv1.UnimplementedPackageServiceServer
	p        *access.Packager
	requests RequestReader
	audit    Auditor
}

var _ dsarv1.PackageServiceServer = (*Server)(nil)

// New returns the PackageService over the packager p.
func New(p *access.Packager, requests RequestReader, a Auditor) *Server {
	return &Server{p: p, requests: requests, audit: a}
}

// DownloadPackage streams the zip of a finished access request, decrypting
// it on the fly. Errors: UNAUTHENTICATED; PERMISSION_DENIED for auditor
// keys; INVALID_ARGUMENT without a request id; NOT_FOUND for a request the
// caller may not see; NOT_FOUND with ERROR_REASON_PACKAGE_NOT_AVAILABLE
// when the request has no package (not an access request, not built yet,
// or expired, saying when).
func (s *Server) DownloadPackage(in *dsarv1.DownloadPackageRequest, stream dsarv1.PackageService_DownloadPackageServer) error {
	ctx := stream.Context()
	p, ok := authn.FromContext(ctx)
	if !ok {
		return errs.Unauthenticated()
	}
	if !p.IsOperator() && !p.IsCustomer() {
		return errs.PermissionDenied("this key may not download access packages: they contain subject data")
	}
	id := in.GetRequestId()
	if id == "" {
		return errs.InvalidField("requestId", "is required")
	}
	req, err := s.requests.Get(ctx, id)
	if err != nil {
		return err
	}
	if req.GetType() != dsarv1.RequestType_REQUEST_TYPE_ACCESS {
		return &errs.Error{Kind: errs.KindNotFound, Reason: dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE,
			Message: fmt.Sprintf("request %s is not an access request; only access requests have a package", id)}
	}
	if req.GetDryRun() {
		return &errs.Error{Kind: errs.KindNotFound, Reason: dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE,
			Message: fmt.Sprintf("request %s was a dry run; dry runs produce no package", id)}
	}
	if err := s.buildIfDue(ctx, req); err != nil {
		return err
	}
	rc, size, err := s.p.Open(ctx, id)
	if err != nil {
		return err
	}
	defer rc.Close()
	info, err := s.p.Info(ctx, id)
	if err != nil {
		return err
	}
	if err := s.audit.Append(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_DOWNLOADED, RequestId: id,
		CustomerId: singleCustomer(req), SubjectRef: req.GetSubjectRef(),
		Attributes: map[string]string{"size_bytes": strconv.FormatInt(size, 10), "sha256": info.GetSha256()},
	}); err != nil {
		return fmt.Errorf("packagesvc: audit the download of %s: %w", id, err) // never an unaudited download
	}
	if err := s.p.CountDownload(ctx, id); err != nil && !errors.Is(err, access.ErrNotAvailable) {
		return err
	}
	if validate.TenantID(id) == nil { // ids of that charset are safe inside a header value
		_ = stream.SetHeader(metadata.Pairs("content-disposition", `attachment; filename="access-package-`+id+`.zip"`))
	}
	return send(stream, rc)
}

// buildIfDue builds the package of a terminal request that the engine has
// not built yet (it builds right after the request turns terminal, so a
// client that downloads at once could otherwise see "not ready"). Build is
// idempotent, so the engine's own call then finds it done. The audit actor
// of the build is the system, not the caller.
func (s *Server) buildIfDue(ctx context.Context, req *dsarv1.Request) error {
	if !terminal(req.GetState()) {
		return nil
	}
	info, err := s.p.Info(ctx, req.GetRequestId())
	if err != nil || info.GetAvailable() || info.GetReason() != access.ReasonNotReady {
		return err
	}
	_, err = s.p.Build(authn.WithPrincipal(ctx, authn.System), req)
	return err
}

// terminal reports whether a request has finished (engine.RequestTerminal).
func terminal(st dsarv1.RequestState) bool {
	switch st {
	case dsarv1.RequestState_REQUEST_STATE_SUCCEEDED, dsarv1.RequestState_REQUEST_STATE_PARTIALLY_SUCCEEDED,
		dsarv1.RequestState_REQUEST_STATE_FAILED, dsarv1.RequestState_REQUEST_STATE_CANCELLED:
		return true
	}
	return false
}

// send streams r in ChunkSize messages; the first one carries the content
// type.
func send(stream dsarv1.PackageService_DownloadPackageServer, r io.Reader) error {
	buf := make([]byte, ChunkSize)
	first := true
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 || first {
			msg := &httpbody.HttpBody{Data: buf[:n]}
			if first {
				msg.ContentType = ContentType
				first = false
			}
			if serr := stream.Send(msg); serr != nil {
				return serr
			}
		}
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			return nil
		case err != nil:
			return fmt.Errorf("packagesvc: read package: %w", err)
		}
	}
}

// singleCustomer is the request's customer when there is exactly one.
func singleCustomer(req *dsarv1.Request) string {
	if ids := req.GetCustomerIds(); len(ids) == 1 {
		return ids[0]
	}
	return ""
}
