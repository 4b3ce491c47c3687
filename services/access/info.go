package access

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Reasons in PackageInfo.reason when a package is not available.
const (
	ReasonNotReady = "not ready"
	ReasonExpired  = "expired"
	ReasonDryRun   = "dry run"
)

// ErrNotAvailable is the cause of every "package not available" error
// (errors.Is works through the *errs.Error Open returns).
var ErrNotAvailable = errors.New("access package not available")

// notAvailable is the NOT_FOUND error with ERROR_REASON_PACKAGE_NOT_AVAILABLE
// and a message saying why.
func notAvailable(msg string) *errs.Error {
	return &errs.Error{Kind: errs.KindNotFound, Reason: dsarv1.ErrorReason_ERROR_REASON_PACKAGE_NOT_AVAILABLE, Message: msg, Cause: ErrNotAvailable}
}

// record loads the package record of requestID, nil if there is none.
func (p *Packager) record(ctx context.Context, requestID string) (*storagev1.PackageRecord, error) {
	var rec *storagev1.PackageRecord
	err := p.store.View(ctx, "access.record", func(tx *bolt.Tx) error {
		v := tx.Bucket(tenants.BucketPackages).Get([]byte(requestID))
		if v == nil {
			return nil
		}
		rec = &storagev1.PackageRecord{}
		return proto.Unmarshal(v, rec)
	})
	if err != nil {
		return nil, fmt.Errorf("access: load package record: %w", err)
	}
	return rec, nil
}

// expiredAt reports whether rec is past its expiry (even before RunExpiry
// removed it).
func (p *Packager) expiredAt(rec *storagev1.PackageRecord) bool {
	return rec.GetExpired() || !p.now().Before(rec.GetExpireTime().AsTime())
}

func (p *Packager) infoOf(rec *storagev1.PackageRecord) *dsarv1.PackageInfo {
	info := &dsarv1.PackageInfo{Available: true, ExpireTime: rec.GetExpireTime(), SizeBytes: rec.GetSizeBytes(),
		Sha256: rec.GetSha256(), Downloads: rec.GetDownloads()}
	if p.expiredAt(rec) {
		info.Available, info.Reason = false, ReasonExpired
	}
	return info
}

// Info describes the package of requestID: available with its size,
// checksum, expiry and download count; or available=false with reason
// "not ready" (not built yet) or "expired".
func (p *Packager) Info(ctx context.Context, requestID string) (*dsarv1.PackageInfo, error) {
	if validate.TenantID(requestID) != nil {
		return &dsarv1.PackageInfo{Reason: ReasonNotReady}, nil
	}
	rec, err := p.record(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if rec == nil {
		return &dsarv1.PackageInfo{Reason: ReasonNotReady}, nil
	}
	return p.infoOf(rec), nil
}

// Open returns the decrypted zip of requestID as a stream, and its size.
// A package that is not built or has expired is a NOT_FOUND *errs.Error
// with ERROR_REASON_PACKAGE_NOT_AVAILABLE and a message saying which.
func (p *Packager) Open(ctx context.Context, requestID string) (io.ReadCloser, int64, error) {
	if validate.TenantID(requestID) != nil {
		return nil, 0, notAvailable(fmt.Sprintf("request %q has no access package", requestID))
	}
	rec, err := p.record(ctx, requestID)
	if err != nil {
		return nil, 0, err
	}
	if rec == nil {
		return nil, 0, notAvailable(fmt.Sprintf("the access package of request %s is not ready yet", requestID))
	}
	if p.expiredAt(rec) {
		return nil, 0, notAvailable(fmt.Sprintf("the access package of request %s expired at %s and was deleted",
			requestID, rec.GetExpireTime().AsTime().UTC().Format(time.RFC3339)))
	}
	path := filepath.Join(p.store.Dir(), filepath.FromSlash(rec.GetFileName()))
	r, err := openEncrypted(path, packageBinding(requestID), func([]byte) ([]byte, error) {
		return openDataKey(p.store.Sealer(), packageKeyAAD(requestID), rec.GetSealedKey())
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, notAvailable(fmt.Sprintf("the access package of request %s is missing from storage", requestID))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("access: open package of %s: %w", requestID, err)
	}
	return r, rec.GetSizeBytes(), nil
}

// CountDownload adds one to the package's download count (shown in
// PackageInfo); the caller audits the download itself.
func (p *Packager) CountDownload(ctx context.Context, requestID string) error {
	return p.store.Update(ctx, "access.CountDownload", func(tx *bolt.Tx) error {
		b := tx.Bucket(tenants.BucketPackages)
		v := b.Get([]byte(requestID))
		if v == nil {
			return ErrNotAvailable
		}
		rec := &storagev1.PackageRecord{}
		if err := proto.Unmarshal(v, rec); err != nil {
			return err
		}
		rec.Downloads++
		return putRecord(tx, rec)
	})
}
