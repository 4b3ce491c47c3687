package access

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// DefaultTTL is how long a package stays downloadable by default.
const DefaultTTL = 7 * 24 * time.Hour

// SchemaVersion is the version of data.json and manifest.json.
const SchemaVersion = "1"

// Directory names under the data directory.
const (
	partsDir    = "parts"
	packagesDir = "packages"
)

// Auditor records package events in the audit trail (satisfied by
// *audit.Log).
type Auditor interface {
	Append(ctx context.Context, ev *dsarv1.AuditEvent) error
	AppendTx(ctx context.Context, tx *bolt.Tx, ev *dsarv1.AuditEvent) error
}

// Options tune a Packager.
type Options struct {
	// TTL is how long a built package stays downloadable (default
	// DefaultTTL). Parts of requests abandoned for longer are removed too.
	TTL time.Duration
	// Now replaces the store's clock, for tests.
	Now func() time.Time
	// Logger receives RunExpiry's failures (ids only); nil discards them.
	Logger *slog.Logger
}

// Packager collects, builds, serves and expires access packages. It is safe
// for concurrent use.
type Packager struct {
	store *tenants.Store
	audit Auditor
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger

	mu    sync.Mutex
	locks map[string]*reqLock // per-request build/expiry lock
}

type reqLock struct {
	mu   sync.Mutex
	refs int
}

// New returns a Packager keeping its files under store.Dir().
func New(store *tenants.Store, a Auditor, o Options) (*Packager, error) {
	if store == nil || a == nil {
		return nil, errors.New("access: a store and an auditor are required")
	}
	if o.TTL <= 0 {
		o.TTL = DefaultTTL
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = store.Now
	}
	for _, d := range []string{partsDir, packagesDir} {
		if err := os.MkdirAll(filepath.Join(store.Dir(), d), 0o700); err != nil {
			return nil, err
		}
	}
	return &Packager{store: store, audit: a, ttl: o.TTL, now: o.Now, log: o.Logger, locks: map[string]*reqLock{}}, nil
}

// TTL is how long packages stay downloadable.
func (p *Packager) TTL() time.Duration { return p.ttl }

// lock serialises builds, expiry and download bookkeeping of one request.
func (p *Packager) lock(requestID string) func() {
	p.mu.Lock()
	l := p.locks[requestID]
	if l == nil {
		l = &reqLock{}
		p.locks[requestID] = l
	}
	l.refs++
	p.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		p.mu.Lock()
		if l.refs--; l.refs == 0 {
			delete(p.locks, requestID)
		}
		p.mu.Unlock()
	}
}

func (p *Packager) partDir(requestID string) string {
	return filepath.Join(p.store.Dir(), partsDir, requestID)
}

func (p *Packager) partPath(requestID, tenantID string) string {
	return filepath.Join(p.partDir(requestID), tenantID+".part")
}

func (p *Packager) packagePath(requestID string) string {
	return filepath.Join(p.store.Dir(), packagesDir, requestID+".pkg")
}

func partBinding(requestID, tenantID string) string { return "part|" + requestID + "|" + tenantID }

func partKeyAAD(requestID, tenantID string) string { return "part-key|" + requestID + "|" + tenantID }

func packageBinding(requestID string) string { return "package|" + requestID }

// packageKeyAAD is the additional data sealing a package's data key.
func packageKeyAAD(requestID string) string { return "package|" + requestID }
