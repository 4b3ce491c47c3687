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

// Serve runs a fleet of n instances on addr until ctx is done. Each instance
// gets contactsPerInstance sample contacts (see Instance.Seed), the given
// latency and a 5xx fault rate (seeded by the instance number). ready, if
// non-nil, is called once with the base URL ("http://host:port") when the
// listener is up.
func Serve(ctx context.Context, addr string, n, contactsPerInstance int, latency time.Duration, faultRate float64, ready func(baseURL string)) error {
	if n < 1 {
		return errors.New("mautictest: need at least one instance")
	}
	f := NewFleet(n)
	for i := 1; i <= n; i++ {
		in := f.Instance(i)
		in.Seed(contactsPerInstance)
		in.SetFaults(Faults{Latency: latency, FaultRate: faultRate, Seed: int64(i)})
	}
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("mautictest: listen: %w", err)
	}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	if ready != nil {
		ready("http://" + lis.Addr().String())
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
