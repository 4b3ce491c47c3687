package engine

import (
	"context"
	"errors"
	"time"

	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// Watch sends the request now and again each time it changes, until it is
// terminal (and finalised: an access request's package is built) or ctx is
// done. The last snapshot sent is always the final one. It runs in the
// caller's goroutine and leaves nothing behind.
func (e *Engine) Watch(ctx context.Context, requestID string, send func(*dsarv1.Request) error) error {
	p, err := caller(ctx)
	if err != nil {
		return err
	}
	if !validRequestID(requestID) {
		return requestNotFound(requestID)
	}
	ch, unsubscribe := e.hub.subscribe(requestID)
	defer unsubscribe()
	var last *dsarv1.Request
	for {
		start := time.Now()
		view, rec, err := e.load(ctx, requestID)
		cost := time.Since(start)
		switch {
		case errors.Is(err, errNoRecord):
			return requestNotFound(requestID)
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			return errs.Internal(err)
		case !canSee(p, view):
			return requestNotFound(requestID)
		}
		if last == nil || !proto.Equal(view, last) {
			if err := send(view); err != nil {
				return err
			}
			last = view
		}
		if RequestTerminal(rec.GetRequest().GetState()) && rec.GetFinalized() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
		// Bursts of changes are coalesced: a watcher spends at most about a
		// tenth of its time re-reading (a 1,000-task request costs
		// milliseconds to load), so watchers never slow the workers down.
		if err := pause(ctx, min(watchCostFactor*cost, maxWatchGap)); err != nil {
			return err
		}
	}
}

// Watch pacing.
const (
	watchCostFactor = 10
	maxWatchGap     = time.Second
)

// pause waits d or until ctx is done.
func pause(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
