package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// How often Run purges expired subject data, and re-tries failed
// finalisations.
const (
	purgeEvery    = time.Hour
	maintainEvery = time.Minute
)

// Run resumes unfinished work (tasks a crash left PENDING, RUNNING or
// RETRYING go back to the queue; terminal requests not yet finalised are
// finalised) and runs the workers until ctx is done. It returns once every
// in-flight step has stopped. Run may be called once per Engine.
func (e *Engine) Run(ctx context.Context) error {
	if !e.running.CompareAndSwap(false, true) {
		return errors.New("engine: Run called twice")
	}
	unfinished, err := e.recover(ctx)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	for _, id := range unfinished {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.finalize(ctx, id); err != nil && ctx.Err() == nil {
				e.o.Logger.Warn("engine: finalising request failed", "request_id", id, "error", err)
			}
		}()
	}
	if err := e.purgeSubjects(ctx); err != nil && ctx.Err() == nil {
		e.o.Logger.Warn("engine: purging subject data failed", "error", err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.maintain(ctx, maintainEvery, purgeEvery)
	}()
	for range e.o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.work(ctx)
		}()
	}
	wg.Wait()
	return nil
}

// work is one worker: it runs attempts until ctx is done.
func (e *Engine) work(ctx context.Context) {
	for {
		ref, err := e.sched.next(ctx)
		if err != nil {
			return
		}
		requeue, delay := e.attempt(ctx, ref)
		e.sched.done(ref)
		if requeue && ctx.Err() == nil {
			e.sched.add(ref, delay)
		}
	}
}

// recover queues every unfinished task and returns the terminal requests
// that still need finalising.
func (e *Engine) recover(ctx context.Context) ([]string, error) {
	type queued struct {
		ref   taskRef
		delay time.Duration
	}
	var refs []queued
	var unfinished []string
	now := e.o.Now()
	err := e.store.View(ctx, "engine.recover", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketTasks).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			rec, err := decodeTask(v)
			if err != nil {
				return err
			}
			t := rec.GetTask()
			switch t.GetState() {
			case dsarv1.TaskState_TASK_STATE_PENDING, dsarv1.TaskState_TASK_STATE_RUNNING, dsarv1.TaskState_TASK_STATE_RETRYING:
				var d time.Duration
				if na := t.GetNextAttemptTime(); na != nil && t.GetState() == dsarv1.TaskState_TASK_STATE_RETRYING {
					d = na.AsTime().Sub(now)
				}
				refs = append(refs, queued{taskRef{rec.GetRequestId(), t.GetTenantId(), t.GetCustomerId()}, d})
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	unfinished, err = e.unfinalized(ctx)
	if err != nil {
		return nil, err
	}
	for _, q := range refs {
		e.sched.add(q.ref, q.delay)
	}
	return unfinished, nil
}
