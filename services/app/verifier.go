package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// verifyTimeout bounds a live check when the tenant sets no call timeout.
const verifyTimeout = 15 * time.Second

// pinger is the part of *mautic.Client the verifier uses.
type pinger interface {
	Conn(inst mautic.Instance) *mautic.Conn
}

// Verifier adapts the Mautic client to tenantsvc.Verifier: it pings the
// tenant's Mautic and classifies the answer.
type Verifier struct{ client pinger }

// NewVerifier returns a Verifier over client.
func NewVerifier(client *mautic.Client) *Verifier { return &Verifier{client: client} }

// Instance builds the client's view of a tenant.
func Instance(t *dsarv1.Tenant, creds *storagev1.Credentials) mautic.Instance {
	inst := mautic.Instance{
		TenantID:       t.GetTenantId(),
		BaseURL:        t.GetBaseUrl(),
		MaxConcurrency: int(t.GetMaxConcurrency()),
		PropagateTrace: t.GetPropagateTraceContext(),
	}
	if d := t.GetCallTimeout(); d != nil {
		inst.Timeout = d.AsDuration()
	}
	if b := creds.GetBasic(); b != nil {
		inst.Credentials = mautic.Credentials{Username: b.GetUsername(), Password: b.GetPassword()}
	} else if o := creds.GetOauth2(); o != nil {
		inst.Credentials = mautic.Credentials{ClientID: o.GetClientId(), ClientSecret: o.GetClientSecret()}
	}
	return inst
}

// Verify implements tenantsvc.Verifier.
func (v *Verifier) Verify(ctx context.Context, t *dsarv1.Tenant, creds *storagev1.Credentials) *dsarv1.VerifyTenantResponse {
	inst := Instance(t, creds)
	if inst.Timeout <= 0 {
		inst.Timeout = verifyTimeout
	}
	version, err := v.client.Conn(inst).Ping(ctx)
	res := Classify(err)
	res.MauticVersion = version
	return res
}

// Classify maps a Ping error to the verify outcome, HTTP status and a fixed
// detail text (never a URL, secret or raw body).
func Classify(err error) *dsarv1.VerifyTenantResponse {
	r := func(o dsarv1.VerifyOutcome, status int, detail string) *dsarv1.VerifyTenantResponse {
		return &dsarv1.VerifyTenantResponse{Ok: o == dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK, Outcome: o, HttpStatus: int32(status), Detail: detail}
	}
	var (
		auth      *mautic.AuthError
		rate      *mautic.RateLimitError
		srv       *mautic.ServerError
		notMautic *mautic.NotMauticError
		malformed *mautic.MalformedError
		reqErr    *mautic.RequestError
	)
	switch {
	case err == nil:
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK, http.StatusOK, "reachable; the credentials are accepted")
	case errors.Is(err, mautic.ErrAPIDisabled):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_API_DISABLED, http.StatusForbidden, "the Mautic API is disabled in the instance's configuration")
	case errors.As(err, &auth):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, auth.Status, "Mautic refused the credentials")
	case errors.As(err, &rate):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_RATE_LIMITED, http.StatusTooManyRequests, "Mautic is rate limiting; try again later")
	case errors.As(err, &notMautic):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, notMautic.Status, "the answer is not from Mautic; check the base URL")
	case errors.As(err, &malformed):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, 0, "the answer is not in Mautic's format; check the base URL")
	case errors.Is(err, mautic.ErrNotFound):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, http.StatusNotFound, "no Mautic API at this base URL")
	case errors.As(err, &reqErr):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, reqErr.Status, "the instance rejected the check request")
	case errors.As(err, &srv):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, srv.Status, "Mautic answered with a server error")
	case errors.Is(err, mautic.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 0, "no answer in time")
	}
	return r(dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 0, "could not connect")
}
