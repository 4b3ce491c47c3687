package engine

import (
	"context"
	"errors"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// committer group-commits the small write transactions of concurrent
// workers: whoever finds no commit in progress leads, and keeps committing
// everything that queued up meanwhile in one bbolt transaction (one fsync)
// until the queue is empty. It needs no goroutine of its own.
//
// A function must do its reads and checks before its first write. If it
// returns an error marked with clean (it wrote nothing), the batch goes on
// without it; any other error rolls the batch back and every function is
// re-run alone, so one failure never loses another's write.
type committer struct {
	store   *tenants.Store
	mu      sync.Mutex
	leading bool
	pending []*commitReq
}

type commitReq struct {
	ctx  context.Context
	fn   func(*bolt.Tx) error
	done chan error
}

// cleanError marks an error returned before the function wrote anything.
type cleanError struct{ err error }

func (c cleanError) Error() string { return c.err.Error() }
func (c cleanError) Unwrap() error { return c.err }

// clean marks err as returned before any write.
func clean(err error) error {
	if err == nil {
		return nil
	}
	return cleanError{err}
}

// unclean strips the clean mark for callers.
func unclean(err error) error {
	var c cleanError
	if errors.As(err, &c) {
		return c.err
	}
	return err
}

// do runs fn in a (possibly shared) write transaction and returns its error
// once the transaction committed or failed.
func (c *committer) do(ctx context.Context, fn func(*bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &commitReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	c.mu.Lock()
	c.pending = append(c.pending, r)
	lead := !c.leading
	if lead {
		c.leading = true
	}
	c.mu.Unlock()
	if lead {
		c.lead(ctx)
	}
	return unclean(<-r.done)
}

func (c *committer) lead(ctx context.Context) {
	ctx = context.WithoutCancel(ctx)
	for {
		c.mu.Lock()
		batch := c.pending
		c.pending = nil
		if len(batch) == 0 {
			c.leading = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
		c.run(ctx, batch)
	}
}

func (c *committer) run(ctx context.Context, batch []*commitReq) {
	if len(batch) == 1 {
		r := batch[0]
		r.done <- c.store.Update(ctx, "engine.write", r.fn)
		return
	}
	results := make([]error, len(batch))
	err := c.store.Update(ctx, "engine.write", func(tx *bolt.Tx) error {
		for i, r := range batch {
			ferr := r.fn(tx)
			var ce cleanError
			if ferr != nil && !errors.As(ferr, &ce) {
				return ferr
			}
			results[i] = ferr
		}
		return nil
	})
	if err == nil {
		for i, r := range batch {
			r.done <- results[i]
		}
		return
	}
	for _, r := range batch {
		r.done <- c.store.Update(ctx, "engine.write", r.fn)
	}
}
