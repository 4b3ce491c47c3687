package engine

import (
	"context"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/types/known/timestamppb"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// finalize completes a terminal request outside any transaction: for
// access requests it builds the package (Access.Build, idempotent), then
// purges the subject data where allowed and marks the request finalized.
// It is called after the write that made the request terminal and, for
// requests a crash left unfinalized, by Run on start.
func (e *Engine) finalize(ctx context.Context, requestID string) error {
	view, rec, err := e.load(ctx, requestID)
	if err != nil {
		return err
	}
	if rec.GetFinalized() || !RequestTerminal(rec.GetRequest().GetState()) {
		return nil
	}
	if view.GetType() == dsarv1.RequestType_REQUEST_TYPE_ACCESS && e.o.Access != nil {
		if _, err := e.o.Access.Build(ctx, view); err != nil {
			return err
		}
	}
	err = e.commit.do(ctx, func(tx *bolt.Tx) error {
		req, err := getRequest(tx, requestID)
		if err != nil {
			return clean(err)
		}
		if req.GetFinalized() || !RequestTerminal(req.GetRequest().GetState()) {
			return clean(errStop)
		}
		req.Finalized = true
		if req.TaskStateCounts[int32(dsarv1.TaskState_TASK_STATE_FAILED)] > 0 {
			req.SubjectPurgeTime = timestamppb.New(purgeTime(req.GetRequest().GetDueTime().AsTime(), e.o.Now()))
		} else {
			req.SealedSubject = nil
		}
		return putRequest(tx, req)
	})
	if err == errStop {
		return nil
	}
	if err == nil {
		e.hub.publish(requestID)
	}
	return err
}

// purgeSubjects clears the sealed subject of every terminal request whose
// purge time has passed (requests with failed tasks keep it for
// RetryRequest until then).
func (e *Engine) purgeSubjects(ctx context.Context) error {
	now := e.o.Now()
	return e.store.Update(ctx, "engine.purge", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketRequests).Cursor()
		var due []*storagev1.RequestRecord
		for k, v := c.First(); k != nil; k, v = c.Next() {
			rec := &storagev1.RequestRecord{}
			if err := unmarshal(v, rec); err != nil {
				return err
			}
			pt := rec.GetSubjectPurgeTime()
			if rec.GetFinalized() && len(rec.GetSealedSubject()) > 0 && pt != nil && !pt.AsTime().After(now) {
				due = append(due, rec)
			}
		}
		for _, rec := range due {
			rec.SealedSubject = nil
			rec.SubjectPurgeTime = nil
			if err := putRequest(tx, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// maintain runs until ctx ends: every tick it finalises terminal requests
// whose finalisation failed (e.g. a package build error), and every
// purgeEvery it purges expired subject data.
func (e *Engine) maintain(ctx context.Context, tick, purgeEvery time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	lastPurge := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ids, err := e.unfinalized(ctx)
		for _, id := range ids {
			if err := e.finalize(ctx, id); err != nil && ctx.Err() == nil {
				e.o.Logger.Warn("engine: finalising request failed", "request_id", id, "error", err)
			}
		}
		if time.Since(lastPurge) >= purgeEvery {
			lastPurge = time.Now()
			err = errors.Join(err, e.purgeSubjects(ctx))
		}
		if err != nil && ctx.Err() == nil {
			e.o.Logger.Warn("engine: maintenance failed", "error", err)
		}
	}
}

// unfinalized lists the terminal requests not yet finalised.
func (e *Engine) unfinalized(ctx context.Context) ([]string, error) {
	var out []string
	err := e.store.View(ctx, "engine.unfinalized", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketRequests).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			rec := &storagev1.RequestRecord{}
			if err := unmarshal(v, rec); err != nil {
				return err
			}
			if RequestTerminal(rec.GetRequest().GetState()) && !rec.GetFinalized() {
				out = append(out, string(k))
			}
		}
		return nil
	})
	return out, err
}
