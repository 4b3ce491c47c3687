package tenantsvc

import (
	"context"
	"strconv"
	"strings"
	"time"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"google.golang.org/protobuf/types/known/durationpb"
)

// VerifyTenant makes a live call to the tenant's Mautic (operator only) and
// answers with the outcome (reachable, bad credentials, API disabled, not
// Mautic, ...) as a result, not as an RPC error. RPC errors are kept for the
// caller's own mistakes (role, id) and a missing tenant.
func (s *Server) VerifyTenant(ctx context.Context, in *dsarv1.VerifyTenantRequest) (*dsarv1.VerifyTenantResponse, error) {
	if _, err := operator(ctx, "verify tenants"); err != nil {
		return nil, err
	}
	id := in.GetTenantId()
	if err := validate.TenantID(id); err != nil {
		return nil, errs.InvalidField("tenantId", err.Error())
	}
	if s.verifier == nil {
		return nil, errs.FailedPrecondition(dsarv1.ErrorReason_ERROR_REASON_UNSPECIFIED, "live verification is not configured on this server")
	}
	t, err := s.store.GetTenant(ctx, id)
	if err != nil {
		return nil, storeErr(err, id)
	}
	creds, err := s.store.Credentials(ctx, id)
	if err != nil {
		return nil, storeErr(err, id)
	}
	start := time.Now()
	res := s.verifier.Verify(ctx, t, creds)
	res = sanitize(res, t, creds, time.Since(start))
	if err := s.record(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_VERIFIED, TenantId: id, CustomerId: t.GetCustomerId(),
		Attributes: map[string]string{"outcome": res.GetOutcome().String(), "httpStatus": strconv.Itoa(int(res.GetHttpStatus()))},
	}); err != nil {
		return nil, err
	}
	return res, nil
}

// sanitize makes the verifier's answer safe and consistent: never nil, ok
// only for VERIFY_OUTCOME_OK, a latency, and a detail that holds neither a
// secret nor the base URL (which could carry more than the host).
func sanitize(res *dsarv1.VerifyTenantResponse, t *dsarv1.Tenant, creds *storagev1.Credentials, took time.Duration) *dsarv1.VerifyTenantResponse {
	if res == nil {
		res = &dsarv1.VerifyTenantResponse{Outcome: dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, Detail: "the check produced no result"}
	}
	res.Ok = res.GetOutcome() == dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK
	if res.Latency == nil {
		res.Latency = durationpb.New(took)
	}
	for _, secret := range []string{creds.GetBasic().GetPassword(), creds.GetOauth2().GetClientSecret(), t.GetBaseUrl()} {
		if secret != "" && strings.Contains(res.Detail, secret) {
			res.Detail = "detail withheld: it contained a credential or the base URL"
		}
	}
	return res
}
