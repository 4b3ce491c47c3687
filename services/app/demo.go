package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/mautic/mautictest"
)

// DemoInstances is the size of the demo's emulated Mautic fleet.
const DemoInstances = 3

// demoSampleContacts is how many generated contacts each instance gets on
// top of the look-alike subjects (mautictest.Instance.Seed).
const demoSampleContacts = 8

// DemoTenant is one tenant the demo registers.
type DemoTenant struct {
	TenantID, CustomerID, DisplayName, Region string
	// Instance is the fleet instance number (1-based).
	Instance int
	// OAuth2 selects client credentials instead of Basic Auth.
	OAuth2 bool
}

// DemoTenants are the demo's tenants: two for customer "acme", one for
// "globex".
var DemoTenants = []DemoTenant{
	{TenantID: "acme-eu", CustomerID: "acme", DisplayName: "ACME Europe", Region: "eu", Instance: 1},
	{TenantID: "acme-us", CustomerID: "acme", DisplayName: "ACME US", Region: "us", Instance: 2, OAuth2: true},
	{TenantID: "globex-1", CustomerID: "globex", DisplayName: "Globex", Region: "eu", Instance: 3},
}

// demoFleet is the running emulated fleet.
type demoFleet struct {
	fleet *mautictest.Fleet
	lis   net.Listener
	base  string
}

// seedFleet fills the fleet: every instance gets sample contacts with
// custom fields, tags, notes, segments and activity, plus the look-alikes
// (bob@example.org next to bob@example.org.uk, a_b@x.io next to axb@x.io;
// mautictest.Instance.SeedDemo); on instance 1 the sample subject gets a
// longer history and one contact a very long one.
func seedFleet(f *mautictest.Fleet) {
	for i := 1; i <= f.Len(); i++ {
		f.Instance(i).SeedDemo(demoSampleContacts)
	}
	in := f.Instance(1)
	for _, id := range in.ContactIDs() {
		if in.ContactEmail(id) == "bob"+"@example.org" {
			in.SeedEvents(id, 60)
		}
	}
	busy := in.AddContact(map[string]any{"email": "frequent.visitor@instance-1.example", "firstname": "Frequent", "lastname": "Visitor"})
	in.SeedEvents(busy, 1500)
}

// startDemo starts the emulated fleet on a random 127.0.0.1 port and makes
// sure the demo tenants exist and point at it (creating them, or updating
// their base URL after a restart moved the port).
func startDemo(ctx context.Context, tsvc demoTenantService) (*demoFleet, error) {
	f := mautictest.NewFleet(DemoInstances)
	seedFleet(f)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo fleet: %w", err)
	}
	d := &demoFleet{fleet: f, lis: lis, base: "http://" + lis.Addr().String()}
	if err := registerDemoTenants(ctx, tsvc, d.base); err != nil {
		_ = lis.Close()
		return nil, err
	}
	return d, nil
}

// serve runs the fleet until ctx is done.
func (d *demoFleet) serve(ctx context.Context) error {
	srv := &http.Server{Handler: d.fleet, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(d.lis) }()
	select {
	case err := <-errc:
		return fmt.Errorf("demo fleet: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// demoTenantService is what the demo needs of the tenant service.
type demoTenantService interface {
	CreateTenant(ctx context.Context, in *dsarv1.CreateTenantRequest) (*dsarv1.CreateTenantResponse, error)
	UpdateTenant(ctx context.Context, in *dsarv1.UpdateTenantRequest) (*dsarv1.UpdateTenantResponse, error)
}

// registerDemoTenants creates the demo tenants through the tenant service
// (validated and audited like any other), as the system principal.
func registerDemoTenants(ctx context.Context, tsvc demoTenantService, base string) error {
	ctx = authn.WithPrincipal(ctx, authn.System)
	for _, dt := range DemoTenants {
		url := mautictest.InstanceURL(base, dt.Instance)
		t := &dsarv1.Tenant{
			TenantId: dt.TenantID, CustomerId: dt.CustomerID, DisplayName: dt.DisplayName, BaseUrl: url,
			Labels: map[string]string{"env": "demo", "region": dt.Region},
		}
		if dt.OAuth2 {
			t.Oauth2 = &dsarv1.OAuth2{ClientId: mautictest.ClientID(dt.Instance), ClientSecret: mautictest.ClientSecret(dt.Instance)}
		} else {
			t.BasicAuth = &dsarv1.BasicAuth{Username: "api", Password: mautictest.BasicPassword(dt.Instance)}
		}
		_, err := tsvc.CreateTenant(ctx, &dsarv1.CreateTenantRequest{Tenant: t})
		if e, ok := errs.As(err); ok && e.Kind == errs.KindAlreadyExists {
			_, err = tsvc.UpdateTenant(ctx, &dsarv1.UpdateTenantRequest{TenantId: dt.TenantID, BaseUrl: proto.String(url)})
		}
		if err != nil {
			return fmt.Errorf("demo tenant %s: %w", dt.TenantID, err)
		}
	}
	return nil
}
