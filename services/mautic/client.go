package mautic

import (
	"crypto/sha256"
	"net"
	"net/http"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// Defaults applied when an Instance leaves a knob at zero.
const (
	DefaultTimeout          = 30 * time.Second
	DefaultMaxConcurrency   = 4
	DefaultMaxResponseBytes = 32 << 20
	// pageLimit is the page size used for contact lookups and field lists.
	pageLimit = 100
	// activityLimit is the per-event-type page size used for activity.
	activityLimit = 100
)

// Credentials authenticate against one Mautic instance. Basic Auth is used
// when Username is set; otherwise OAuth2 client credentials.
type Credentials struct {
	Username, Password     string
	ClientID, ClientSecret string
}

// Instance describes one Mautic instance (one tenant).
type Instance struct {
	// TenantID keys the per-tenant state (semaphore, token cache).
	TenantID string
	// BaseURL is the instance root, e.g. "https://m.example.com" or
	// "http://127.0.0.1:8000/i/1"; "/api/..." is appended.
	BaseURL string
	// Credentials are Basic or OAuth2 client credentials.
	Credentials Credentials
	// Timeout bounds each HTTP call; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxConcurrency caps in-flight calls for this tenant; 0 means
	// DefaultMaxConcurrency.
	MaxConcurrency int
	// PropagateTrace sends W3C trace headers (global propagator) to the
	// instance; off by default so customers' servers see no trace ids.
	PropagateTrace bool
}

// Option configures a Client.
type Option func(*Client)

// WithTransport replaces the shared transport (tests, proxies).
func WithTransport(rt http.RoundTripper) Option { return func(c *Client) { c.rt = rt } }

// WithTracerProvider sets the tracer provider; default is the global one.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *Client) { c.tracer = tp.Tracer(tracerName) }
}

// WithMaxResponseBytes caps response bodies; larger answers fail with a
// MalformedError. Default DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option { return func(c *Client) { c.maxBody = n } }

// WithUserAgent sets the User-Agent header sent to Mautic.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithClock sets the clock used for token expiry (tests).
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

const tracerName = "github.com/mautic-dsar/mautic-dsar/services/mautic"

// Client is the process-wide Mautic client. It is safe for concurrent use.
type Client struct {
	rt        http.RoundTripper
	hc        *http.Client
	tracer    trace.Tracer
	maxBody   int64
	userAgent string
	now       func() time.Time

	mu      sync.Mutex
	tenants map[string]*tenantState
}

// NewClient builds a Client with one shared, connection-reusing transport.
func NewClient(opts ...Option) *Client {
	c := &Client{
		maxBody:   DefaultMaxResponseBytes,
		userAgent: "mautic-dsar",
		now:       time.Now,
		tenants:   map[string]*tenantState{},
	}
	for _, o := range opts {
		o(c)
	}
	if c.rt == nil {
		c.rt = newTransport()
	}
	if c.tracer == nil {
		c.tracer = otel.GetTracerProvider().Tracer(tracerName)
	}
	c.hc = &http.Client{
		Transport: c.rt,
		// Mautic answers API calls directly; a redirect means a login page
		// or a misconfigured base URL, which we report instead of following.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c
}

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          512,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// tenantState is the per-tenant mutable state shared by all Conns of it.
type tenantState struct {
	sem chan struct{}

	mu     sync.Mutex // guards the fields below; held while fetching a token
	fp     [32]byte   // fingerprint of base URL + credentials
	token  string
	expiry time.Time
}

// Conn is a handle on one Mautic instance. It is cheap; make one per use.
type Conn struct {
	c           *Client
	inst        Instance
	state       *tenantState
	readRetries int
}

// Conn returns a handle for inst. Per-tenant state is keyed by TenantID; a
// change of base URL or credentials drops the cached OAuth2 token, and a
// change of MaxConcurrency installs a new semaphore.
func (c *Client) Conn(inst Instance) *Conn {
	if inst.Timeout <= 0 {
		inst.Timeout = DefaultTimeout
	}
	if inst.MaxConcurrency <= 0 {
		inst.MaxConcurrency = DefaultMaxConcurrency
	}
	fp := fingerprint(inst)
	c.mu.Lock()
	st := c.tenants[inst.TenantID]
	if st == nil || cap(st.sem) != inst.MaxConcurrency {
		old := st
		st = &tenantState{sem: make(chan struct{}, inst.MaxConcurrency), fp: fp}
		if old != nil {
			old.mu.Lock()
			if old.fp == fp {
				st.token, st.expiry = old.token, old.expiry
			}
			old.mu.Unlock()
		}
		c.tenants[inst.TenantID] = st
	}
	c.mu.Unlock()
	st.mu.Lock()
	if st.fp != fp {
		st.fp, st.token, st.expiry = fp, "", time.Time{}
	}
	st.mu.Unlock()
	return &Conn{c: c, inst: inst, state: st}
}

// Instance returns the instance this Conn talks to (with defaults applied).
func (cn *Conn) Instance() Instance { return cn.inst }

func fingerprint(inst Instance) [32]byte {
	h := sha256.New()
	for _, s := range []string{inst.BaseURL, inst.Credentials.Username, inst.Credentials.Password,
		inst.Credentials.ClientID, inst.Credentials.ClientSecret} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}
