package mautictest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

var sampleFirst = []string{"Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ines", "Jonas"}
var sampleLast = []string{"Lovelace", "Costa", "Rossi", "Ivanov", "Yilmaz", "Haddad", "Novak", "Sato", "Duarte", "Berg"}

// Seed adds k deterministic sample contacts ("contact-{j}@instance-{n}.example")
// plus, when k > 0, the tricky look-alikes bob@example.org,
// bob@example.org.uk, a_b@x.io and axb@x.io.
func (in *Instance) Seed(k int) {
	for j := 1; j <= k; j++ {
		in.AddContact(map[string]any{
			"email":     fmt.Sprintf("contact-%d@instance-%d.example", j, in.n),
			"firstname": sampleFirst[j%len(sampleFirst)],
			"lastname":  sampleLast[(j/len(sampleFirst))%len(sampleLast)],
			"city":      "Springfield",
		})
	}
	if k == 0 {
		return
	}
	for _, c := range []struct{ email, first, last string }{
		{"bob@example.org", "Bob", "Second"}, {"bob@example.org.uk", "Bobby", "Lookalike"},
		{"a_b@x.io", "Underscore", "Person"}, {"axb@x.io", "Wildcard", "Victim"},
	} {
		in.AddContact(map[string]any{"email": c.email, "firstname": c.first, "lastname": c.last})
	}
}

// ServeOptions configure ServeWith.
type ServeOptions struct {
	// Addr is the TCP address to listen on ("127.0.0.1:0" picks a port).
	Addr string
	// Instances is the fleet size (at least 1).
	Instances int
	// Contacts is how many sample contacts each instance gets (SeedDemo).
	Contacts int
	// Faults applies to every instance; Seed is replaced by the instance
	// number so each instance draws its own reproducible sequence.
	Faults Faults
	// Ready, if non-nil, is called once with the base URL when listening.
	Ready func(baseURL string)
}

// Serve runs a fleet of n instances on addr until ctx is done. Each instance
// is seeded with SeedDemo(contactsPerInstance) and gets the given latency.
// faultRate is the share of API calls that fail transiently: 80% of it
// answers 500 (Mautic's generic error) and 20% answers 429 with
// "Retry-After: 1" (as a reverse proxy in front of Mautic would), both
// drawn reproducibly per instance. ready, if non-nil, is called once with
// the base URL ("http://host:port") when the listener is up.
func Serve(ctx context.Context, addr string, n, contactsPerInstance int, latency time.Duration, faultRate float64, ready func(baseURL string)) error {
	return ServeWith(ctx, ServeOptions{Addr: addr, Instances: n, Contacts: contactsPerInstance, Ready: ready,
		Faults: Faults{Latency: latency, FaultRate: 0.8 * faultRate, RateLimitRate: 0.2 * faultRate, RetryAfter: time.Second}})
}

// ServeWith is Serve with every knob (any fault mix).
func ServeWith(ctx context.Context, o ServeOptions) error {
	if o.Instances < 1 {
		return errors.New("mautictest: need at least one instance")
	}
	f := NewFleet(o.Instances)
	for i := 1; i <= o.Instances; i++ {
		in := f.Instance(i)
		in.SeedDemo(o.Contacts)
		fl := o.Faults
		fl.Seed = int64(i)
		in.SetFaults(fl)
	}
	lis, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("mautictest: listen: %w", err)
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	if o.Ready != nil {
		o.Ready("http://" + lis.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	<-errc
	return nil
}
