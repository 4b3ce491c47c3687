package access

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// RunExpiry calls Expire at once and then every interval until ctx is done,
// and returns ctx's error. Failures are logged and retried next round.
func (p *Packager) RunExpiry(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = 10 * time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.Expire(ctx); err != nil && ctx.Err() == nil {
			p.log.WarnContext(ctx, "access package expiry failed", "error", err.Error())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Expire deletes every package past its expiry time: the file goes, the
// sealed key is shredded, the record is marked expired and PACKAGE_EXPIRED
// is audited. It also removes parts of requests abandoned for longer than
// the TTL, and parts kept for a retry whose package expired. It returns how
// many packages expired.
func (p *Packager) Expire(ctx context.Context) (int, error) {
	now := p.now()
	var due []string
	err := p.store.View(ctx, "access.expiryScan", func(tx *bolt.Tx) error {
		return tx.Bucket(tenants.BucketPackages).ForEach(func(k, v []byte) error {
			rec := &storagev1.PackageRecord{}
			if err := proto.Unmarshal(v, rec); err != nil {
				return err
			}
			if !rec.GetExpired() && !now.Before(rec.GetExpireTime().AsTime()) {
				due = append(due, string(k))
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range due {
		ok, err := p.expireOne(ctx, id)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			n++
		}
	}
	if err := p.expireParts(ctx, now); err != nil {
		errs = append(errs, err)
	}
	return n, errors.Join(errs...)
}

func (p *Packager) expireOne(ctx context.Context, requestID string) (bool, error) {
	unlock := p.lock(requestID)
	defer unlock()
	rec, err := p.record(ctx, requestID)
	if err != nil || rec == nil || rec.GetExpired() {
		return false, err
	}
	path := filepath.Join(p.store.Dir(), filepath.FromSlash(rec.GetFileName()))
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	if err := os.RemoveAll(p.partDir(requestID)); err != nil {
		return false, err
	}
	rec.Expired, rec.SealedKey, rec.PartsKept = true, nil, false
	ev := &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_EXPIRED, RequestId: requestID, CustomerId: rec.GetCustomerId(),
		Attributes: map[string]string{"expire_time": rec.GetExpireTime().AsTime().UTC().Format(time.RFC3339), "sha256": rec.GetSha256()},
	}
	err = p.store.Update(ctx, "access.Expire", func(tx *bolt.Tx) error {
		if err := putRecord(tx, rec); err != nil {
			return err
		}
		return p.audit.AppendTx(ctx, tx, ev)
	})
	return err == nil, err
}

// expireParts removes part directories of requests with no package that
// were last written more than the TTL ago, and stray temporary files.
func (p *Packager) expireParts(ctx context.Context, now time.Time) error {
	root := filepath.Join(p.store.Dir(), partsDir)
	entries, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		id := e.Name()
		info, err := e.Info()
		if err != nil || !e.IsDir() || validate.TenantID(id) != nil || now.Sub(info.ModTime()) < p.ttl {
			continue
		}
		if err := p.dropAbandoned(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	p.dropStrayTemps(now)
	return errors.Join(errs...)
}

func (p *Packager) dropAbandoned(ctx context.Context, requestID string) error {
	unlock := p.lock(requestID)
	defer unlock()
	rec, err := p.record(ctx, requestID)
	if err != nil || (rec != nil && !rec.GetExpired()) {
		return err // a live package keeps its parts until it expires
	}
	if err := os.RemoveAll(p.partDir(requestID)); err != nil {
		return err
	}
	return p.audit.Append(ctx, &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_EXPIRED, RequestId: requestID,
		Attributes: map[string]string{"what": "collected parts of an unfinished request"},
	})
}

// dropStrayTemps removes temporary files a crash left behind in the parts
// and packages directories.
func (p *Packager) dropStrayTemps(now time.Time) {
	for _, dir := range []string{partsDir, packagesDir} {
		_ = filepath.WalkDir(filepath.Join(p.store.Dir(), dir), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.Contains(d.Name(), ".tmp-") {
				return nil
			}
			if info, err := d.Info(); err == nil && now.Sub(info.ModTime()) > time.Hour {
				_ = os.Remove(path)
			}
			return nil
		})
	}
}
