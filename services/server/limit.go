package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
)

// DefaultMaxBodyBytes caps REST request bodies when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// bodyLimit records whether a request's body went over the cap.
type bodyLimit struct {
	max int64
	hit atomic.Bool
}

func (l *bodyLimit) exceeded() bool { return l.hit.Load() }

type limitKey struct{}

func limitFrom(ctx context.Context) *bodyLimit {
	l, _ := ctx.Value(limitKey{}).(*bodyLimit)
	return l
}

// limitedBody notes when http.MaxBytesReader refuses to read further.
type limitedBody struct {
	io.ReadCloser
	lim *bodyLimit
}

func (b limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		b.lim.hit.Store(true)
	}
	return n, err
}

// limitBodies caps request bodies at max bytes: a declared Content-Length
// over the cap is refused at once, a longer chunked body fails when read.
// Either way the caller gets 413 with a google.rpc.Status body.
func limitBodies(next http.Handler, mux *runtime.ServeMux, max int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lim := &bodyLimit{max: max}
		r = r.WithContext(context.WithValue(r.Context(), limitKey{}, lim))
		if r.ContentLength > max {
			lim.hit.Store(true)
			_, out := runtime.MarshalerForRequest(mux, r)
			runtime.HTTPError(r.Context(), mux, out, w, r, errors.New("body too large"))
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, max), lim: lim}
		}
		next.ServeHTTP(&streamWriter{ResponseWriter: w}, r)
	})
}
