package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// streamWriter fixes up how the gateway reports errors that end a server
// stream:
//   - an error before anything was written (e.g. unknown request id) is
//     answered as a bare google.rpc.Status, like every unary error, instead
//     of the gateway's {"error": …} stream chunk;
//   - an error after part of a binary (google.api.HttpBody) stream was
//     written aborts the connection, so the client sees a broken transfer
//     rather than a file with JSON appended.
//
// JSON streams keep the {"error": …} chunk after their first result.
type streamWriter struct {
	http.ResponseWriter
	wrote bool
}

var errorChunkPrefix = []byte(`{"error":`)

func (w *streamWriter) Write(p []byte) (int, error) {
	streaming := w.Header().Get("Transfer-Encoding") == "chunked"
	if streaming && bytes.HasPrefix(p, errorChunkPrefix) {
		if !w.wrote {
			var chunk struct {
				Error json.RawMessage `json:"error"`
			}
			if err := json.Unmarshal(p, &chunk); err == nil && len(chunk.Error) > 0 {
				w.wrote = true
				if _, err := w.ResponseWriter.Write(append(chunk.Error, '\n')); err != nil {
					return 0, err
				}
				return len(p), nil
			}
		} else if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			panic(http.ErrAbortHandler)
		}
	}
	if len(p) > 0 {
		w.wrote = true
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets the gateway flush stream chunks.
func (w *streamWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap exposes the underlying writer to http.ResponseController.
func (w *streamWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
