package mautictest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fleet is one http.Handler hosting N emulated Mautic instances, instance i
// (1-based) under /i/{i}. It is safe for concurrent use.
type Fleet struct {
	cfg       fleetConfig
	instances []*Instance
}

type fleetConfig struct {
	now      func() time.Time
	tokenTTL time.Duration
}

// FleetOption configures a Fleet.
type FleetOption func(*fleetConfig)

// WithClock sets the clock the instances use for dates (default time.Now).
func WithClock(now func() time.Time) FleetOption { return func(c *fleetConfig) { c.now = now } }

// WithTokenTTL sets the OAuth2 access-token lifetime (default 1h, like
// Mautic's api_oauth2_access_token_lifetime of 60 minutes).
func WithTokenTTL(d time.Duration) FleetOption { return func(c *fleetConfig) { c.tokenTTL = d } }

// NewFleet builds n empty instances, each with its own database.
func NewFleet(n int, opts ...FleetOption) *Fleet {
	cfg := fleetConfig{now: time.Now, tokenTTL: time.Hour}
	for _, o := range opts {
		o(&cfg)
	}
	f := &Fleet{cfg: cfg}
	for i := 1; i <= n; i++ {
		f.instances = append(f.instances, newInstance(i, &f.cfg))
	}
	return f
}

// Len returns the number of instances.
func (f *Fleet) Len() int { return len(f.instances) }

// Instance returns instance i (1-based), or nil when out of range.
func (f *Fleet) Instance(i int) *Instance {
	if i < 1 || i > len(f.instances) {
		return nil
	}
	return f.instances[i-1]
}

// InstanceURL is the base URL of instance i on a fleet served at base.
func InstanceURL(base string, i int) string {
	return strings.TrimRight(base, "/") + "/i/" + strconv.Itoa(i)
}

// ServeHTTP dispatches /i/{i}/api/... and /i/{i}/oauth/v2/token to instance i.
func (f *Fleet) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/i/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	num, sub, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(num)
	in := f.Instance(i)
	if err != nil || in == nil {
		http.NotFound(w, r)
		return
	}
	in.serve(w, r, "/"+sub)
}
