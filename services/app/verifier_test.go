package app

import (
	"context"
	"errors"
	"fmt"
	"testing"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err    error
		want   dsarv1.VerifyOutcome
		status int32
	}{
		{nil, dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK, 200},
		{&mautic.AuthError{Status: 401, Type: "access_denied"}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, 401},
		{fmt.Errorf("ping: %w", &mautic.AuthError{Status: 400, Type: "invalid_client"}), dsarv1.VerifyOutcome_VERIFY_OUTCOME_BAD_CREDENTIALS, 400},
		{mautic.ErrAPIDisabled, dsarv1.VerifyOutcome_VERIFY_OUTCOME_API_DISABLED, 403},
		{&mautic.NotMauticError{Status: 200}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, 200},
		{&mautic.MalformedError{Reason: "x"}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, 0},
		{mautic.ErrNotFound, dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, 404},
		{&mautic.RequestError{Status: 422}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_NOT_MAUTIC, 422},
		{&mautic.RateLimitError{}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_RATE_LIMITED, 429},
		{&mautic.ServerError{Status: 502}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 502},
		{mautic.ErrTimeout, dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 0},
		{context.DeadlineExceeded, dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 0},
		{&mautic.TransportError{Err: errors.New("connection refused")}, dsarv1.VerifyOutcome_VERIFY_OUTCOME_UNREACHABLE, 0},
	}
	for _, tc := range tests {
		got := Classify(tc.err)
		if got.GetOutcome() != tc.want || got.GetHttpStatus() != tc.status || got.GetOk() != (tc.want == dsarv1.VerifyOutcome_VERIFY_OUTCOME_OK) || got.GetDetail() == "" {
			t.Errorf("%v: %v", tc.err, got)
		}
	}
}
