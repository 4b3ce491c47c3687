package access

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"time"
)

// zipOut writes the package's zip entries one after the other, each through
// a buffer, counting bytes and hashing its content for the manifest.
type zipOut struct {
	zw       *zip.Writer
	modified time.Time
	bw       *bufio.Writer
	h        hash.Hash
	n        int64
	name     string
	files    []fileEntry
}

func newZipOut(w io.Writer, modified time.Time) *zipOut {
	zw := zip.NewWriter(w)
	// BestSpeed: a timeline of 100,000 events is tens of MB of JSON; the
	// default level would dominate the build time for a small gain.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return &zipOut{zw: zw, modified: modified, bw: bufio.NewWriterSize(nil, 64<<10), h: sha256.New()}
}

// Write writes to the current entry.
func (z *zipOut) Write(p []byte) (int, error) { return z.bw.Write(p) }

// WriteString writes to the current entry.
func (z *zipOut) WriteString(s string) (int, error) { return z.bw.WriteString(s) }

// begin starts entry name.
func (z *zipOut) begin(name string) error {
	w, err := z.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: z.modified})
	if err != nil {
		return err
	}
	z.h.Reset()
	z.n = 0
	z.name = name
	z.bw.Reset(io.MultiWriter(w, z.h, countWriter{&z.n}))
	return nil
}

// end finishes the current entry and returns its manifest entry.
func (z *zipOut) end() (fileEntry, error) {
	if err := z.bw.Flush(); err != nil {
		return fileEntry{}, err
	}
	f := fileEntry{Name: z.name, Bytes: z.n, SHA256: hex.EncodeToString(z.h.Sum(nil))}
	z.files = append(z.files, f)
	return f, nil
}

// file writes a whole small entry.
func (z *zipOut) file(name string, b []byte) (fileEntry, error) {
	if err := z.begin(name); err != nil {
		return fileEntry{}, err
	}
	if _, err := z.Write(b); err != nil {
		return fileEntry{}, err
	}
	return z.end()
}

// close finishes the zip's central directory.
func (z *zipOut) close() error { return z.zw.Close() }

type countWriter struct{ n *int64 }

func (c countWriter) Write(p []byte) (int, error) {
	*c.n += int64(len(p))
	return len(p), nil
}

// hashWriter passes writes to w and hashes and counts them.
type hashWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (hw *hashWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}
