package access

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ChunkSize is the plaintext size of every encrypted chunk but the last.
const ChunkSize = 64 << 10

// keySize is the size of a per-file data key (AES-256).
const keySize = 32

// ErrCorrupt reports an encrypted file that does not authenticate: wrong
// key or binding, tampering, reordering or truncation.
var ErrCorrupt = errors.New("access: encrypted data does not authenticate")

// chunkAAD binds a chunk to its file (binding), its position and whether it
// is the last one, so chunks can be neither moved, swapped nor dropped.
func chunkAAD(binding string, counter uint64, last bool) []byte {
	b := make([]byte, 0, len(binding)+32)
	b = append(b, "mautic-dsar/chunk/v1|"...)
	b = append(b, binding...)
	b = append(b, '|')
	b = strconv.AppendUint(b, counter, 10)
	if last {
		return append(b, "|last"...)
	}
	return append(b, "|more"...)
}

func chunkNonce(aead cipher.AEAD, counter uint64) []byte {
	n := make([]byte, aead.NonceSize())
	binary.BigEndian.PutUint64(n[len(n)-8:], counter)
	return n
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("access: data key must be %d bytes", keySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// chunkWriter encrypts a stream in ChunkSize chunks with AES-256-GCM under
// a per-file key. The nonce is the chunk counter (safe: every file has its
// own random key); the last chunk, possibly empty, is flagged in the AAD.
// Close must be called to write it.
type chunkWriter struct {
	w       io.Writer
	aead    cipher.AEAD
	binding string
	buf     []byte
	out     []byte
	counter uint64
	n       int64 // plaintext bytes written
	closed  bool
}

func newChunkWriter(w io.Writer, key []byte, binding string) (*chunkWriter, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &chunkWriter{w: w, aead: aead, binding: binding, buf: make([]byte, 0, ChunkSize),
		out: make([]byte, 0, ChunkSize+aead.Overhead())}, nil
}

// Write buffers p, sealing a chunk whenever a full one is followed by more.
func (c *chunkWriter) Write(p []byte) (int, error) {
	if c.closed {
		return 0, errors.New("access: write after close")
	}
	total := len(p)
	for len(p) > 0 {
		if len(c.buf) == ChunkSize {
			if err := c.flush(false); err != nil {
				return total - len(p), err
			}
		}
		n := copy(c.buf[len(c.buf):ChunkSize], p)
		c.buf = c.buf[:len(c.buf)+n]
		p = p[n:]
		c.n += int64(n)
	}
	return total, nil
}

func (c *chunkWriter) flush(last bool) error {
	c.out = c.aead.Seal(c.out[:0], chunkNonce(c.aead, c.counter), c.buf, chunkAAD(c.binding, c.counter, last))
	c.counter++
	c.buf = c.buf[:0]
	_, err := c.w.Write(c.out)
	return err
}

// Close seals the last chunk. It does not close the underlying writer.
func (c *chunkWriter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return c.flush(true)
}

// chunkReader decrypts what chunkWriter wrote, chunk by chunk, failing with
// ErrCorrupt on any tampering, including truncation at a chunk boundary.
type chunkReader struct {
	r       *bufio.Reader
	aead    cipher.AEAD
	binding string
	in      []byte
	plain   []byte
	pos     int
	counter uint64
	done    bool
}

func newChunkReader(r io.Reader, key []byte, binding string) (*chunkReader, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	return &chunkReader{r: bufio.NewReaderSize(r, ChunkSize+aead.Overhead()+1), aead: aead, binding: binding,
		in: make([]byte, ChunkSize+aead.Overhead())}, nil
}

// Read returns decrypted bytes; io.EOF only after the authenticated last
// chunk.
func (c *chunkReader) Read(p []byte) (int, error) {
	for c.pos == len(c.plain) {
		if c.done {
			return 0, io.EOF
		}
		if err := c.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, c.plain[c.pos:])
	c.pos += n
	return n, nil
}

func (c *chunkReader) next() error {
	n, err := io.ReadFull(c.r, c.in)
	switch {
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		// a short chunk is the last one
	case err != nil:
		return err
	}
	last := n < len(c.in)
	if !last {
		if _, perr := c.r.Peek(1); perr == io.EOF {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	pt, oerr := c.aead.Open(c.plain[:0], chunkNonce(c.aead, c.counter), c.in[:n], chunkAAD(c.binding, c.counter, last))
	if oerr != nil {
		return ErrCorrupt
	}
	c.plain, c.pos, c.done = pt, 0, last
	c.counter++
	return nil
}
