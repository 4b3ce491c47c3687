package engine

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// DefaultConcurrency is the default number of workers, i.e. of tasks in
// flight across the whole fleet. Tasks of different tenants run against
// different Mautic instances, so the engine itself is the only shared
// resource: each worker costs a goroutine and at most one outbound
// connection, and spends nearly all its time waiting on the network. 64
// keeps a 1,000-tenant erasure at 50 ms per Mautic call within about 1.3x of
// the ideal time on a 2-core machine (see BenchmarkErase), while the
// per-tenant limit (Tenant.max_concurrency) still protects every single
// instance.
const DefaultConcurrency = 64

// Default retry and breaker settings.
const (
	DefaultMaxAttempts      = 10
	DefaultBaseBackoff      = time.Second
	DefaultMaxBackoff       = 5 * time.Minute
	DefaultBreakerThreshold = 5
	DefaultBreakerCooldown  = 30 * time.Second
	DefaultConfirmTimeout   = 30 * time.Second
	// DefaultTenantConcurrency is the per-tenant limit when a tenant sets
	// none; it matches the Mautic client's default.
	DefaultTenantConcurrency = 4
)

// AccessCollector gathers and packages the data of access requests.
// *access.Packager satisfies it.
type AccessCollector interface {
	// Collect gathers everything about contacts on tenant t, idempotently
	// per (requestID, tenant).
	Collect(ctx context.Context, requestID string, t *dsarv1.Tenant, conn *mautic.Conn, contacts []mautic.Contact) (*dsarv1.AccessStats, error)
	// Build assembles the package once every task of req is terminal.
	Build(ctx context.Context, req *dsarv1.Request) (*dsarv1.PackageInfo, error)
	// Info describes the package of requestID.
	Info(ctx context.Context, requestID string) (*dsarv1.PackageInfo, error)
}

// Auditor appends events to the audit trail. *audit.Log satisfies it.
type Auditor interface {
	// Append appends ev in its own transaction.
	Append(ctx context.Context, ev *dsarv1.AuditEvent) error
	// AppendTx appends ev inside the caller's write transaction.
	AppendTx(ctx context.Context, tx *bolt.Tx, ev *dsarv1.AuditEvent) error
}

// Options configure the engine. The zero value is usable.
type Options struct {
	// Concurrency is the global number of workers (DefaultConcurrency if 0).
	Concurrency int
	// AllowHTTPMautic permits http:// tenant base URLs.
	AllowHTTPMautic bool
	// Access collects access requests; nil fails their tasks.
	Access AccessCollector
	// Now is the clock for timestamps (time.Now if nil). Waiting uses real
	// timers.
	Now func() time.Time
	// MaxAttempts is the retry budget per task (DefaultMaxAttempts if 0).
	MaxAttempts int
	// BaseBackoff and MaxBackoff bound the exponential backoff.
	BaseBackoff, MaxBackoff time.Duration
	// BreakerThreshold consecutive transient failures of one tenant open
	// its circuit for BreakerCooldown.
	BreakerThreshold int
	// BreakerCooldown is how long an open circuit stays open.
	BreakerCooldown time.Duration
	// ConfirmTimeout bounds the live re-check ConfirmTask makes.
	ConfirmTimeout time.Duration
	// Logger receives operational logs without subject data (slog.Default
	// if nil).
	Logger *slog.Logger
	// Jitter returns a uniform float in [0,1) for backoff jitter
	// (math/rand/v2 if nil).
	Jitter func() float64
	// TracerProvider makes the "engine.task" spans (the global provider if
	// nil).
	TracerProvider trace.TracerProvider
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = DefaultBaseBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.BaseBackoff {
		o.MaxBackoff = o.BaseBackoff
	}
	if o.BreakerThreshold <= 0 {
		o.BreakerThreshold = DefaultBreakerThreshold
	}
	if o.BreakerCooldown <= 0 {
		o.BreakerCooldown = DefaultBreakerCooldown
	}
	if o.ConfirmTimeout <= 0 {
		o.ConfirmTimeout = DefaultConfirmTimeout
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	return o
}
