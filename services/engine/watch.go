package engine

import (
	"context"

	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
)

// Watch sends the request now and again each time it changes, until it is
// terminal (and finalised: an access request's package is built) or ctx is
// done. It runs in the caller's goroutine and leaves nothing behind.
func (e *Engine) Watch(ctx context.Context, requestID string, send func(*dsarv1.Request) error) error {
	if _, err := caller(ctx); err != nil {
		return err
	}
	ch, unsubscribe := e.hub.subscribe(requestID)
	defer unsubscribe()
	r, err := e.Get(ctx, requestID)
	if err != nil {
		return err
	}
	if err := send(r); err != nil {
		return err
	}
	for {
		if done, err := e.finished(ctx, requestID); err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
		next, err := e.Get(ctx, requestID)
		if err != nil {
			return err
		}
		if proto.Equal(next, r) {
			continue
		}
		r = next
		if err := send(r); err != nil {
			return err
		}
	}
}

// finished reports whether a request will not change any more on its own.
func (e *Engine) finished(ctx context.Context, requestID string) (bool, error) {
	_, rec, err := e.load(ctx, requestID)
	if err != nil {
		return false, errs.Internal(err)
	}
	return RequestTerminal(rec.GetRequest().GetState()) && rec.GetFinalized(), nil
}
