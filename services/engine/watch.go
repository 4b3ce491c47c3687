package engine

import (
	"context"
	"errors"

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
		view, rec, err := e.load(ctx, requestID)
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
	}
}
