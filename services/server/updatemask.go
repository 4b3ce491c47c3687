package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// queryMaskNames are the query parameters that carry a PATCH field mask.
var queryMaskNames = []string{"updateMask", "update_mask"}

// queryUpdateMask moves an updateMask query parameter of a PATCH into its
// JSON body. The PATCH routes use body "*", so the gateway ignores query
// parameters entirely: without this, "?updateMask=displayName" would be
// dropped silently and every field present in the body would change. A mask
// in both the query and the body is refused (InvalidArgument).
func queryUpdateMask(next http.Handler, mux *runtime.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		var paths []string
		found := false
		for _, name := range queryMaskNames {
			for _, v := range q[name] {
				found = true
				for _, p := range strings.Split(v, ",") {
					if p = strings.TrimSpace(p); p != "" {
						paths = append(paths, snakeToCamelPath(p))
					}
				}
			}
		}
		if !found {
			next.ServeHTTP(w, r)
			return
		}
		fail := func(msg string) {
			_, out := runtime.MarshalerForRequest(mux, r)
			runtime.HTTPError(r.Context(), mux, out, w, r, status.Error(codes.InvalidArgument, msg))
		}
		body := map[string]json.RawMessage{}
		if r.Body != nil {
			raw, err := io.ReadAll(r.Body)
			if err != nil {
				// Let the mux report it (the body cap turns it into 413).
				r.Body = io.NopCloser(errReader{err})
				next.ServeHTTP(w, r)
				return
			}
			if len(bytes.TrimSpace(raw)) > 0 {
				if err := json.Unmarshal(raw, &body); err != nil || body == nil {
					fail("invalid JSON body: want an object")
					return
				}
			}
		}
		if _, ok := body["updateMask"]; ok {
			fail("updateMask is given both in the query and in the body")
			return
		}
		if _, ok := body["update_mask"]; ok {
			fail("updateMask is given both in the query and in the body")
			return
		}
		mask, _ := json.Marshal(strings.Join(paths, ","))
		body["updateMask"] = mask
		merged, err := json.Marshal(body)
		if err != nil {
			fail("invalid JSON body")
			return
		}
		for _, name := range queryMaskNames {
			q.Del(name)
		}
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		r2.Body = io.NopCloser(bytes.NewReader(merged))
		r2.ContentLength = int64(len(merged))
		next.ServeHTTP(w, r2)
	})
}

// snakeToCamelPath turns a proto field path ("display_name", "a.b_c") into
// its JSON form ("displayName", "a.bC"), which is what protojson accepts in
// a FieldMask string.
func snakeToCamelPath(p string) string {
	var b strings.Builder
	up := false
	for _, c := range p {
		switch {
		case c == '_':
			up = true
		case up && c >= 'a' && c <= 'z':
			b.WriteRune(c - 'a' + 'A')
			up = false
		default:
			b.WriteRune(c)
			up = false
		}
	}
	return b.String()
}

// errReader replays a read error for the next handler.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err == nil {
		return 0, errors.New("read error")
	}
	return 0, e.err
}
