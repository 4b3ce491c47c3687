package tenants

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

var tracer = otel.Tracer("github.com/mautic-dsar/mautic-dsar/tenants")

// DBFileName is the name of the bbolt file inside the data directory.
const DBFileName = "dsar.db"

// Store is the open bbolt file with the tenant registry on top.
type Store struct {
	db     *bolt.DB
	sealer *Sealer
	dir    string
	now    func() time.Time
}

// Option configures Open.
type Option func(*options)

type options struct {
	timeout time.Duration
	now     func() time.Time
}

// WithOpenTimeout bounds how long Open waits for the file lock (default 2s).
func WithOpenTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Open creates dir (0700) if needed, opens dir/dsar.db (0600), creates the
// registered buckets and checks the schema version.
func Open(ctx context.Context, dir string, sealer *Sealer, opts ...Option) (*Store, error) {
	if sealer == nil {
		return nil, errors.New("tenants: a sealer is required")
	}
	o := options{timeout: 2 * time.Second, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	_, span := tracer.Start(ctx, "tenants.Open")
	defer span.End()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("tenants: create data directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("tenants: restrict data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, DBFileName), 0o600, &bolt.Options{Timeout: o.timeout})
	if err != nil {
		return nil, fmt.Errorf("tenants: open %s: %w", DBFileName, err)
	}
	s := &Store{db: db, sealer: sealer, dir: dir, now: o.now}
	if err := s.migrate(); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("tenants: create bucket %s: %w", b, err)
			}
		}
		meta := tx.Bucket(BucketMeta)
		v := meta.Get(keySchemaVersion)
		switch {
		case v == nil:
			var buf [8]byte
			binary.BigEndian.PutUint64(buf[:], SchemaVersion)
			return meta.Put(keySchemaVersion, buf[:])
		case len(v) != 8:
			return errors.New("tenants: corrupt schema version")
		case binary.BigEndian.Uint64(v) > SchemaVersion:
			return fmt.Errorf("tenants: data written by a newer version (schema %d > %d)", binary.BigEndian.Uint64(v), SchemaVersion)
		}
		return nil
	})
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Dir is the data directory.
func (s *Store) Dir() string { return s.dir }

// Sealer is the master-key sealer.
func (s *Store) Sealer() *Sealer { return s.sealer }

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// View runs fn in a read-only transaction under a span named "tenants."+op.
// fn must not do network I/O, must not call other Store methods, and must
// copy any bytes it keeps.
func (s *Store) View(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	return s.run(ctx, op, false, fn)
}

// Update runs fn in a read-write transaction under a span named
// "tenants."+op, with the same rules as View.
func (s *Store) Update(ctx context.Context, op string, fn func(tx *bolt.Tx) error) error {
	return s.run(ctx, op, true, fn)
}

func (s *Store) run(ctx context.Context, op string, write bool, fn func(tx *bolt.Tx) error, attrs ...attribute.KeyValue) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	attrs = append(attrs, attribute.Bool("db.write", write))
	_, span := tracer.Start(ctx, "tenants."+op, trace.WithAttributes(attrs...))
	defer span.End()
	var err error
	if write {
		err = s.db.Update(fn)
	} else {
		err = s.db.View(fn)
	}
	if err != nil && !isDomainError(err) {
		span.SetStatus(codes.Error, "store error")
	}
	return err
}

// Ready reports whether the file is open and migrated.
func (s *Store) Ready() bool {
	return s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(BucketMeta) == nil {
			return errors.New("not migrated")
		}
		return nil
	}) == nil
}
