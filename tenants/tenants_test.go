package tenants

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"google.golang.org/protobuf/proto"
)

func TestTenantCRUD(t *testing.T) {
	ctx := context.Background()
	s, clk := openTestStore(t, t.TempDir())

	created, err := s.CreateTenant(ctx, basicTenant("acme-eu", "acme", "pw-1"))
	if err != nil {
		t.Fatal(err)
	}
	if created.BasicAuth != nil || created.Oauth2 != nil {
		t.Fatal("created tenant carries credentials")
	}
	if created.DisplayName != "acme-eu" || created.MaxConcurrency != 4 || created.CallTimeout.AsDuration() != 30*time.Second {
		t.Fatalf("defaults not applied: %v", created)
	}
	ci := created.GetCredential()
	if ci.GetType() != dsarv1.CredentialType_CREDENTIAL_TYPE_BASIC || ci.GetPrincipal() != "api" || len(ci.GetFingerprint()) != 12 {
		t.Fatalf("credential info = %v", ci)
	}
	if want := s.Sealer().Ref(FingerprintPurpose, "pw-1")[:12]; ci.GetFingerprint() != want {
		t.Fatalf("fingerprint = %q, want %q", ci.GetFingerprint(), want)
	}

	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"duplicate id", func() error { _, err := s.CreateTenant(ctx, basicTenant("acme-eu", "x", "p")); return err }, ErrAlreadyExists},
		{"bad id", func() error { _, err := s.CreateTenant(ctx, basicTenant("../x", "x", "p")); return err }, ErrInvalid},
		{"nul id", func() error { _, err := s.CreateTenant(ctx, basicTenant("a\x00b", "x", "p")); return err }, ErrInvalid},
		{"no creds", func() error {
			_, err := s.CreateTenant(ctx, &dsarv1.Tenant{TenantId: "nocreds", CustomerId: "x"})
			return err
		}, ErrInvalid},
		{"both creds", func() error {
			tn := basicTenant("both", "x", "p")
			tn.Oauth2 = &dsarv1.OAuth2{ClientId: "c", ClientSecret: "s"}
			_, err := s.CreateTenant(ctx, tn)
			return err
		}, ErrInvalid},
		{"empty password", func() error { _, err := s.CreateTenant(ctx, basicTenant("nopw", "x", "")); return err }, ErrInvalid},
		{"get missing", func() error { _, err := s.GetTenant(ctx, "missing"); return err }, ErrNotFound},
		{"get empty", func() error { _, err := s.GetTenant(ctx, ""); return err }, ErrNotFound},
		{"delete missing", func() error { return s.DeleteTenant(ctx, "missing") }, ErrNotFound},
		{"update missing", func() error {
			_, err := s.UpdateTenant(ctx, "missing", func(*dsarv1.Tenant, *storagev1.Credentials) error { return nil })
			return err
		}, ErrNotFound},
		{"update id", func() error {
			_, err := s.UpdateTenant(ctx, "acme-eu", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error { t.TenantId = "other"; return nil })
			return err
		}, ErrInvalid},
		{"credentials missing", func() error { _, err := s.Credentials(ctx, "missing"); return err }, ErrNotFound},
	}
	for _, tc := range tests {
		if err := tc.run(); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}

	got, err := s.GetTenant(ctx, "acme-eu")
	if err != nil || !proto.Equal(got, created) {
		t.Fatalf("get = %v, %v; want %v (store unchanged by failures)", got, err, created)
	}

	// Plain update: fields change, credentials and create_time stay.
	clk.t = clk.t.Add(time.Hour)
	sentinel := errors.New("abort")
	if _, err := s.UpdateTenant(ctx, "acme-eu", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error {
		t.DisplayName = "changed"
		return sentinel
	}); !errors.Is(err, sentinel) {
		t.Fatalf("fn error not returned: %v", err)
	}
	upd, err := s.UpdateTenant(ctx, "acme-eu", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error {
		t.DisplayName = "Acme EU"
		t.Credential = nil // output-only: ignored
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.DisplayName != "Acme EU" || !proto.Equal(upd.Credential, created.Credential) || !upd.CreateTime.AsTime().Equal(created.CreateTime.AsTime()) || !upd.UpdateTime.AsTime().Equal(clk.t) {
		t.Fatalf("update = %v", upd)
	}

	// Rotation to OAuth2 drops Basic.
	clk.t = clk.t.Add(time.Hour)
	rot, err := s.UpdateTenant(ctx, "acme-eu", func(t *dsarv1.Tenant, c *storagev1.Credentials) error {
		proto.Reset(c)
		c.Kind = &storagev1.Credentials_Oauth2{Oauth2: &dsarv1.OAuth2{ClientId: "cid", ClientSecret: "cs-2"}}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ci := rot.GetCredential(); ci.GetType() != dsarv1.CredentialType_CREDENTIAL_TYPE_OAUTH2 || ci.GetPrincipal() != "cid" || !ci.GetUpdateTime().AsTime().Equal(clk.t) || ci.GetFingerprint() == created.Credential.Fingerprint {
		t.Fatalf("rotated credential info = %v", ci)
	}
	creds, err := s.Credentials(ctx, "acme-eu")
	if err != nil || creds.GetOauth2().GetClientSecret() != "cs-2" || creds.GetBasic() != nil {
		t.Fatalf("credentials after rotation = %v, %v", creds, err)
	}
	// Rotation through the tenant's basic_auth field.
	if _, err := s.UpdateTenant(ctx, "acme-eu", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error {
		t.BasicAuth = &dsarv1.BasicAuth{Username: "u2", Password: "pw-3"}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if creds, _ := s.Credentials(ctx, "acme-eu"); creds.GetBasic().GetPassword() != "pw-3" || creds.GetOauth2() != nil {
		t.Fatalf("credentials after basic rotation = %v", creds)
	}
	if stored, _ := s.GetTenant(ctx, "acme-eu"); stored.BasicAuth != nil {
		t.Fatal("stored tenant carries basic_auth")
	}

	if err := s.DeleteTenant(ctx, "acme-eu"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetTenant(ctx, "acme-eu"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestListTenants(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, t.TempDir())
	for i := 0; i < 25; i++ {
		tn := basicTenant(fmt.Sprintf("t-%02d", i), []string{"acme", "globex"}[i%2], "pw")
		tn.Labels = map[string]string{"env": []string{"prod", "dev", "test"}[i%3]}
		if _, err := s.CreateTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		o        ListOptions
		wantN    int
		wantPage int
	}{
		{"all default page", ListOptions{}, 25, 1},
		{"pages of 10", ListOptions{PageSize: 10}, 25, 3},
		{"exact pages", ListOptions{PageSize: 5}, 25, 5},
		{"customer", ListOptions{CustomerID: "acme", PageSize: 4}, 13, 4},
		{"labels", ListOptions{Labels: map[string]string{"env": "prod"}, PageSize: 3}, 9, 3},
		{"customer and labels", ListOptions{CustomerID: "globex", Labels: map[string]string{"env": "dev"}}, 4, 1},
		{"nobody", ListOptions{CustomerID: "initech"}, 0, 1},
		{"huge page", ListOptions{PageSize: 1 << 20}, 25, 1},
	}
	for _, tc := range tests {
		o, seen, pages, last := tc.o, 0, 0, ""
		for {
			page, next, err := s.ListTenants(ctx, o)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			pages++
			for _, tn := range page {
				if tn.TenantId <= last || tn.BasicAuth != nil || !matches(tn, tc.o) {
					t.Fatalf("%s: bad order/filter/secret at %s", tc.name, tn.TenantId)
				}
				last = tn.TenantId
			}
			seen += len(page)
			if next == "" {
				break
			}
			o.PageToken = next
		}
		if seen != tc.wantN || pages != tc.wantPage {
			t.Errorf("%s: saw %d tenants in %d pages, want %d in %d", tc.name, seen, pages, tc.wantN, tc.wantPage)
		}
	}
	for _, tok := range []string{"garbage", "dGVuYW50cw", "djE6YXBpa2V5czp0LTAx"} {
		if _, _, err := s.ListTenants(ctx, ListOptions{PageToken: tok}); !errors.Is(err, ErrInvalid) {
			t.Errorf("token %q: err = %v, want ErrInvalid", tok, err)
		}
	}
}

func TestConcurrentTenants(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, t.TempDir())
	if _, err := s.CreateTenant(ctx, basicTenant("shared", "acme", "pw")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	created, dup := 0, 0
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				_, err := s.CreateTenant(ctx, basicTenant(fmt.Sprintf("t-%d", i), "acme", "pw"))
				mu.Lock()
				switch {
				case err == nil:
					created++
				case errors.Is(err, ErrAlreadyExists):
					dup++
				default:
					t.Error(err)
				}
				mu.Unlock()
				if _, err := s.UpdateTenant(ctx, "shared", func(t *dsarv1.Tenant, _ *storagev1.Credentials) error {
					t.MaxConcurrency++
					return nil
				}); err != nil {
					t.Error(err)
				}
				if _, _, err := s.ListTenants(ctx, ListOptions{PageSize: 3}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if created != 10 || dup != 70 {
		t.Fatalf("created %d, duplicates %d; want 10 and 70", created, dup)
	}
	if got, _ := s.GetTenant(ctx, "shared"); got.MaxConcurrency != 4+80 {
		t.Fatalf("lost updates: max_concurrency = %d, want 84", got.MaxConcurrency)
	}
}
