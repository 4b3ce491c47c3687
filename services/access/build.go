package access

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Build assembles the package of access request req once every task is
// terminal: a zip streamed part by part straight into the encrypted file
// store.Dir()/packages/<requestID>.pkg, recorded in the packages bucket
// together with a PACKAGE_CREATED audit event. Every task appears in the
// manifest and summary: found, not found, or failed with its reason.
//
// A dry run builds nothing (reason "dry run"). Build is idempotent: once built, it returns the package's Info. When the
// tasks changed since (RetryRequest re-ran failed ones) and the parts were
// kept for that, it rebuilds. The parts are removed after the build unless
// some task failed (then they stay, encrypted, until the package expires).
func (p *Packager) Build(ctx context.Context, req *dsarv1.Request) (*dsarv1.PackageInfo, error) {
	requestID := req.GetRequestId()
	if validate.TenantID(requestID) != nil {
		return nil, errors.New("access: invalid request id")
	}
	if req.GetType() != dsarv1.RequestType_REQUEST_TYPE_ACCESS {
		return nil, fmt.Errorf("access: request %s is not an access request", requestID)
	}
	if req.GetDryRun() {
		return &dsarv1.PackageInfo{Reason: ReasonDryRun}, nil
	}
	for _, t := range req.GetTasks() {
		if validate.TenantID(t.GetTenantId()) != nil {
			return nil, fmt.Errorf("access: request %s has an invalid tenant id", requestID)
		}
	}
	unlock := p.lock(requestID)
	defer unlock()
	digest := tasksDigest(req)
	old, err := p.record(ctx, requestID)
	if err != nil {
		return nil, err
	}
	if old != nil && (old.GetExpired() || old.GetTasksDigest() == digest || !old.GetPartsKept()) {
		if !old.GetPartsKept() || old.GetExpired() {
			_ = os.RemoveAll(p.partDir(requestID))
		}
		return p.infoOf(old), nil
	}
	rec, err := p.build(ctx, req, digest)
	if err != nil {
		return nil, err
	}
	if !rec.GetPartsKept() {
		if err := os.RemoveAll(p.partDir(requestID)); err != nil {
			return nil, fmt.Errorf("access: remove parts: %w", err)
		}
	}
	return p.infoOf(rec), nil
}

// build writes the package file and commits its record and audit event.
func (p *Packager) build(ctx context.Context, req *dsarv1.Request, digest string) (*storagev1.PackageRecord, error) {
	requestID := req.GetRequestId()
	now := p.now().UTC().Truncate(time.Second)
	expires := now.Add(p.ttl)
	key, sealed, err := newDataKey(p.store.Sealer(), packageKeyAAD(requestID))
	if err != nil {
		return nil, err
	}
	ef, err := createEncrypted(p.packagePath(requestID), key, nil, packageBinding(requestID))
	if err != nil {
		return nil, err
	}
	hw := &hashWriter{w: ef, h: sha256.New()}
	m := &manifest{SchemaVersion: SchemaVersion, RequestID: requestID, RequestType: req.GetType().String(),
		SubjectRef: req.GetSubjectRef(), GeneratedAt: now.Format(time.RFC3339), ExpiresAt: expires.Format(time.RFC3339)}
	failed, err := p.writeZip(ctx, hw, m, req, now)
	if err != nil {
		ef.Abort()
		return nil, err
	}
	if err := ef.Commit(); err != nil {
		return nil, err
	}
	rec := &storagev1.PackageRecord{
		RequestId: requestID, FileName: packagesDir + "/" + requestID + ".pkg", SealedKey: sealed,
		SizeBytes: hw.n, Sha256: hex.EncodeToString(hw.h.Sum(nil)),
		CreateTime: timestamppb.New(now), ExpireTime: timestamppb.New(expires),
		CustomerId: singleCustomer(req), TasksDigest: digest, PartsKept: failed > 0,
	}
	ev := &dsarv1.AuditEvent{
		Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_PACKAGE_CREATED, RequestId: requestID,
		CustomerId: rec.GetCustomerId(), SubjectRef: req.GetSubjectRef(),
		Attributes: map[string]string{
			"size_bytes": strconv.FormatInt(rec.GetSizeBytes(), 10), "sha256": rec.GetSha256(),
			"expire_time": m.ExpiresAt, "tenants": strconv.Itoa(len(m.Tenants)),
			"tenants_failed": strconv.Itoa(failed),
		},
	}
	err = p.store.Update(ctx, "access.Build", func(tx *bolt.Tx) error {
		if err := putRecord(tx, rec); err != nil {
			return err
		}
		return p.audit.AppendTx(ctx, tx, ev)
	})
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// writeZip writes every file of the package and returns how many tenants
// failed.
func (p *Packager) writeZip(ctx context.Context, w *hashWriter, m *manifest, req *dsarv1.Request, now time.Time) (int, error) {
	z := newZipOut(w, now)
	tasks := append([]*dsarv1.Task(nil), req.GetTasks()...)
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].GetTenantId() < tasks[j].GetTenantId() })
	failed := 0
	for _, t := range tasks {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		te, err := p.writeTenant(ctx, z, req.GetRequestId(), t, m.GeneratedAt)
		if err != nil {
			return 0, err
		}
		if te.Status == StatusFailed {
			failed++
		}
		m.Tenants = append(m.Tenants, te)
	}
	if _, err := z.file("schema/data.schema.json", dataSchema); err != nil {
		return 0, err
	}
	if err := z.begin("summary.txt"); err != nil {
		return 0, err
	}
	if err := writeSummary(z, m, p.ttl); err != nil {
		return 0, err
	}
	if _, err := z.end(); err != nil {
		return 0, err
	}
	m.Files = append([]fileEntry(nil), z.files...)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return 0, err
	}
	if _, err := z.file("manifest.json", append(b, '\n')); err != nil {
		return 0, err
	}
	return failed, z.close()
}

// putRecord stores rec under its request id.
func putRecord(tx *bolt.Tx, rec *storagev1.PackageRecord) error {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(rec)
	if err != nil {
		return err
	}
	return tx.Bucket(tenants.BucketPackages).Put([]byte(rec.GetRequestId()), b)
}

// tasksDigest fingerprints the (tenant, state) pairs of req.
func tasksDigest(req *dsarv1.Request) string {
	pairs := make([]string, 0, len(req.GetTasks()))
	for _, t := range req.GetTasks() {
		pairs = append(pairs, t.GetTenantId()+"="+t.GetState().String())
	}
	sort.Strings(pairs)
	h := sha256.New()
	for _, s := range pairs {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// singleCustomer is the request's customer when there is exactly one.
func singleCustomer(req *dsarv1.Request) string {
	if ids := req.GetCustomerIds(); len(ids) == 1 {
		return ids[0]
	}
	seen := ""
	for _, t := range req.GetTasks() {
		switch c := t.GetCustomerId(); {
		case c == "":
		case seen == "":
			seen = c
		case seen != c:
			return ""
		}
	}
	return seen
}
