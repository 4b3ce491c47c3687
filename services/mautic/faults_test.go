package mautic_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

func TestFaultClassification(t *testing.T) {
	tests := []struct {
		name      string
		faults    mautictest.Faults
		timeout   time.Duration
		check     func(error) bool
		transient bool
	}{
		{"5xx", mautictest.Faults{FaultRate: 1}, 0, func(err error) bool {
			var se *mautic.ServerError
			return errors.As(err, &se) && se.Status == 500
		}, true},
		{"429 with Retry-After", mautictest.Faults{RateLimitRate: 1, RetryAfter: 7 * time.Second}, 0, func(err error) bool {
			d, ok := mautic.RetryAfter(err)
			return ok && d == 7*time.Second
		}, true},
		{"429 without Retry-After uses X-RateLimit-Reset", mautictest.Faults{RateLimitRate: 1}, 0, func(err error) bool {
			d, ok := mautic.RetryAfter(err)
			return ok && d > 50*time.Minute && d <= time.Hour
		}, true},
		{"hang", mautictest.Faults{HangRate: 1}, 150 * time.Millisecond, func(err error) bool {
			return errors.Is(err, mautic.ErrTimeout)
		}, true},
		{"malformed", mautictest.Faults{MalformedRate: 1}, 0, func(err error) bool {
			var me *mautic.MalformedError
			return errors.As(err, &me)
		}, true},
		{"api disabled", mautictest.Faults{APIDisabled: true}, 0, func(err error) bool {
			return errors.Is(err, mautic.ErrAPIDisabled)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1)
			e.fleet.Instance(1).SetFaults(tc.faults)
			inst := e.basic(1).Instance()
			if tc.timeout > 0 {
				inst.Timeout = tc.timeout
			}
			start := time.Now()
			_, err := e.client.Conn(inst).FindByEmail(t.Context(), "bob@example.org")
			if !tc.check(err) {
				t.Fatalf("unexpected error %T: %v", err, err)
			}
			if got := mautic.IsTransient(err); got != tc.transient {
				t.Fatalf("IsTransient = %v", got)
			}
			if tc.timeout > 0 && time.Since(start) > 10*time.Second {
				t.Fatalf("timeout not honoured")
			}
		})
	}
}

func TestAuthErrors(t *testing.T) {
	e := newEnv(t, 2)
	tests := []struct {
		name  string
		creds mautic.Credentials
		typ   string
	}{
		{"bad password", mautic.Credentials{Username: "api", Password: "nope"}, "access_denied"},
		{"other instance's password", mautic.Credentials{Username: "api", Password: mautictest.BasicPassword(2)}, "access_denied"},
		{"bad client secret", mautic.Credentials{ClientID: mautictest.ClientID(1), ClientSecret: "x"}, "invalid_client"},
		{"no credentials", mautic.Credentials{}, "missing_credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cn := e.client.Conn(mautic.Instance{TenantID: "auth-" + tc.name, BaseURL: mautictest.InstanceURL(e.srv.URL, 1), Credentials: tc.creds})
			_, err := cn.GetContact(t.Context(), 1)
			var ae *mautic.AuthError
			if !errors.As(err, &ae) || ae.Type != tc.typ || mautic.IsTransient(err) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestNotMautic(t *testing.T) {
	e := newEnv(t, 1)
	// The fleet answers a plain-text 404 outside /i/{n}: a wrong base URL.
	cn := e.client.Conn(mautic.Instance{TenantID: "wrong", BaseURL: e.srv.URL + "/nowhere",
		Credentials: mautic.Credentials{Username: "api", Password: "x"}})
	_, err := cn.GetContact(t.Context(), 1)
	var nm *mautic.NotMauticError
	var me *mautic.MalformedError
	if !errors.As(err, &nm) || !errors.As(err, &me) || mautic.IsTransient(err) || errors.Is(err, mautic.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestOAuthTokenCachedAndRefreshed(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "dave@example.com"})
	ctx := t.Context()
	for range 5 {
		if _, err := e.oauth(1).GetContact(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := in.TokenRequests(); n != 1 {
		t.Fatalf("token requests = %d, want 1 (cached)", n)
	}
	in.ExpireTokens() // server-side revocation: next call gets 401, refreshes once
	if _, err := e.oauth(1).GetContact(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n := in.TokenRequests(); n != 2 {
		t.Fatalf("token requests = %d, want 2 (one refresh)", n)
	}
	// Changed credentials drop the cached token.
	inst := e.oauth(1).Instance()
	inst.Credentials.ClientSecret = "rotated-but-wrong"
	if _, err := e.client.Conn(inst).GetContact(ctx, id); err == nil {
		t.Fatal("stale token used after credential change")
	}
}

func TestOAuthTokenExpiryRenews(t *testing.T) {
	e := newEnv(t, 1, mautictest.WithTokenTTL(2*time.Second))
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "erin@example.com"})
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := mautic.NewClient(mautic.WithClock(clock), mautic.WithTransport(e.tr))
	cn := c.Conn(e.oauth(1).Instance())
	if _, err := cn.GetContact(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.Add(2 * time.Second) // past expiry minus margin: renew proactively
	mu.Unlock()
	if _, err := cn.GetContact(t.Context(), id); err != nil {
		t.Fatal(err)
	}
	if n := in.TokenRequests(); n != 2 {
		t.Fatalf("token requests = %d, want 2", n)
	}
}

func TestConcurrencyCap(t *testing.T) {
	e := newEnv(t, 1)
	in := e.fleet.Instance(1)
	id := in.AddContact(map[string]any{"email": "frank@example.com"})
	in.SetFaults(mautictest.Faults{Latency: 20 * time.Millisecond})
	inst := e.oauth(1).Instance()
	inst.MaxConcurrency = 3
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.client.Conn(inst).GetContact(t.Context(), id)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if m := in.MaxInFlight(); m > 3 || m < 1 {
		t.Fatalf("max in flight = %d, cap 3", m)
	}
}

func TestContextCancelIsNotTransient(t *testing.T) {
	e := newEnv(t, 1)
	e.fleet.Instance(1).SetFaults(mautictest.Faults{HangRate: 1})
	ctx, cancel := withCancel(t)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := e.basic(1).GetContact(ctx, 1)
	if err == nil || errors.Is(err, mautic.ErrTimeout) || mautic.IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestErrorsCarryNoEmailOrURL(t *testing.T) {
	e := newEnv(t, 1)
	const email = "hidden.subject@example.com"
	faults := []mautictest.Faults{{FaultRate: 1}, {RateLimitRate: 1}, {MalformedRate: 1}, {APIDisabled: true}, {HangRate: 1}}
	for _, f := range faults {
		e.fleet.Instance(1).SetFaults(f)
		inst := e.basic(1).Instance()
		inst.Timeout = 100 * time.Millisecond
		_, err := e.client.Conn(inst).FindByEmail(t.Context(), email)
		if err == nil || strings.Contains(err.Error(), "hidden") || strings.Contains(err.Error(), "where") || strings.Contains(err.Error(), "/i/1") {
			t.Fatalf("err = %v", err)
		}
	}
	// Connection refused: the url.Error (which holds the query) is stripped.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	cn := e.client.Conn(mautic.Instance{TenantID: "dead", BaseURL: deadURL, Credentials: mautic.Credentials{Username: "u", Password: "p"}})
	_, err := cn.FindByEmail(t.Context(), email)
	var te *mautic.TransportError
	if !errors.As(err, &te) || !mautic.IsTransient(err) || strings.Contains(err.Error(), "hidden") || strings.Contains(err.Error(), "where") {
		t.Fatalf("err = %v", err)
	}
}
