package access

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// fileMagic starts every encrypted file the package writes.
var fileMagic = []byte("MDSARENC\x01")

// maxSealedKey bounds the sealed-key length read from a file header.
const maxSealedKey = 256

// encFile is an encrypted file being written: plaintext goes in through
// Write, and Commit seals the last chunk, syncs and renames the temporary
// file into place, so a reader never sees a half-written file.
type encFile struct {
	f    *os.File
	bw   *bufio.Writer
	cw   *chunkWriter
	tmp  string
	dest string
}

// createEncrypted starts dest (via a temporary file next to it). The header
// holds sealedKey (may be empty when the key is kept elsewhere).
func createEncrypted(dest string, key, sealedKey []byte, binding string) (*encFile, error) {
	if err := os.MkdirAll(filepath.Dir(dest), 0o700); err != nil {
		return nil, fmt.Errorf("access: create directory: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(dest), filepath.Base(dest)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("access: create file: %w", err)
	}
	ef := &encFile{f: f, bw: bufio.NewWriterSize(f, 128<<10), tmp: f.Name(), dest: dest}
	hdr := append([]byte(nil), fileMagic...)
	hdr = binary.BigEndian.AppendUint16(hdr, uint16(len(sealedKey)))
	hdr = append(hdr, sealedKey...)
	if _, err := ef.bw.Write(hdr); err != nil {
		ef.Abort()
		return nil, err
	}
	if ef.cw, err = newChunkWriter(ef.bw, key, binding); err != nil {
		ef.Abort()
		return nil, err
	}
	return ef, nil
}

// Write encrypts p.
func (e *encFile) Write(p []byte) (int, error) { return e.cw.Write(p) }

// Size is the plaintext written so far.
func (e *encFile) Size() int64 { return e.cw.n }

// Commit finishes the file and moves it into place, replacing any older one.
func (e *encFile) Commit() error {
	err := e.cw.Close()
	if err == nil {
		err = e.bw.Flush()
	}
	if err == nil {
		err = e.f.Sync()
	}
	if cerr := e.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(e.tmp, e.dest)
	}
	if err != nil {
		_ = os.Remove(e.tmp)
		return fmt.Errorf("access: write encrypted file: %w", err)
	}
	return syncDir(filepath.Dir(e.dest))
}

// Abort drops the temporary file.
func (e *encFile) Abort() {
	_ = e.f.Close()
	_ = os.Remove(e.tmp)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // best effort: not every file system syncs directories
	return nil
}

// encReader is an open encrypted file: Read returns plaintext.
type encReader struct {
	f  *os.File
	cr *chunkReader
}

func (r *encReader) Read(p []byte) (int, error) { return r.cr.Read(p) }

// Close closes the file.
func (r *encReader) Close() error { return r.f.Close() }

// openEncrypted opens path. keyFor receives the sealed key from the header
// (empty if the header carries none) and returns the data key.
func openEncrypted(path, binding string, keyFor func(sealedInFile []byte) ([]byte, error)) (*encReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := io.Reader(f) // the chunk reader buffers; the header is read unbuffered
	hdr := make([]byte, len(fileMagic)+2)
	if _, err := io.ReadFull(br, hdr); err != nil || string(hdr[:len(fileMagic)]) != string(fileMagic) {
		f.Close()
		return nil, ErrCorrupt
	}
	n := int(binary.BigEndian.Uint16(hdr[len(fileMagic):]))
	if n > maxSealedKey {
		f.Close()
		return nil, ErrCorrupt
	}
	sealed := make([]byte, n)
	if _, err := io.ReadFull(br, sealed); err != nil {
		f.Close()
		return nil, ErrCorrupt
	}
	key, err := keyFor(sealed)
	if err != nil {
		f.Close()
		return nil, err
	}
	cr, err := newChunkReader(br, key, binding)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &encReader{f: f, cr: cr}, nil
}

// newDataKey returns a random data key and the same key sealed under the
// master key with sealAAD.
func newDataKey(s *tenants.Sealer, sealAAD string) (key, sealed []byte, err error) {
	key = make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, nil, err
	}
	sealed, err = s.Seal(sealAAD, key)
	if err != nil {
		return nil, nil, err
	}
	return key, sealed, nil
}

// openDataKey unseals a data key.
func openDataKey(s *tenants.Sealer, sealAAD string, sealed []byte) ([]byte, error) {
	if len(sealed) == 0 {
		return nil, ErrCorrupt
	}
	key, err := s.Open(sealAAD, sealed)
	if err != nil {
		return nil, errors.Join(ErrCorrupt, err)
	}
	return key, nil
}
