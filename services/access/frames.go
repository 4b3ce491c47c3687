package access

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Frame kinds of a part file (plaintext, before encryption). A part is a
// header, then per contact one contact frame followed by its event frames,
// then an end frame with the counts.
const (
	frameHeader  byte = 'H'
	frameContact byte = 'C'
	frameEvent   byte = 'E'
	frameEnd     byte = 'Z'
)

// maxFrame bounds one frame (a single activity event or contact document).
const maxFrame = 64 << 20

// partHeader opens a part.
type partHeader struct {
	TenantID    string `json:"tenantId"`
	CustomerID  string `json:"customerId"`
	DisplayName string `json:"displayName"`
	CollectedAt string `json:"collectedAt"`
}

// partEvent is one activity event as stored in a part.
type partEvent struct {
	ContactID int64           `json:"c"`
	Timestamp string          `json:"ts,omitempty"`
	Event     string          `json:"e"`
	EventType string          `json:"t,omitempty"`
	Label     string          `json:"l,omitempty"`
	EventID   string          `json:"i,omitempty"`
	Raw       json.RawMessage `json:"r"`
}

// partEnd closes a part; its presence proves the part is complete.
type partEnd struct {
	Contacts int   `json:"contacts"`
	Events   int64 `json:"events"`
}

// frameWriter writes frames: kind, uvarint length, payload.
type frameWriter struct {
	w   io.Writer
	hdr [1 + binary.MaxVarintLen64]byte
}

func (f *frameWriter) write(kind byte, payload []byte) error {
	f.hdr[0] = kind
	n := binary.PutUvarint(f.hdr[1:], uint64(len(payload)))
	if _, err := f.w.Write(f.hdr[:1+n]); err != nil {
		return err
	}
	_, err := f.w.Write(payload)
	return err
}

func (f *frameWriter) writeJSON(kind byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return f.write(kind, b)
}

// frameReader reads frames; the payload is valid until the next call.
type frameReader struct {
	r   *bufio.Reader
	buf []byte
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 32<<10)}
}

// next returns the next frame, or io.EOF at the end of the stream.
func (f *frameReader) next() (byte, []byte, error) {
	kind, err := f.r.ReadByte()
	if err != nil {
		return 0, nil, err
	}
	n, err := binary.ReadUvarint(f.r)
	if err != nil || n > maxFrame {
		return 0, nil, fmt.Errorf("access: bad part frame: %w", errors.Join(ErrCorrupt, err))
	}
	if uint64(cap(f.buf)) < n {
		f.buf = make([]byte, n)
	}
	f.buf = f.buf[:n]
	if _, err := io.ReadFull(f.r, f.buf); err != nil {
		return 0, nil, fmt.Errorf("access: short part frame: %w", errors.Join(ErrCorrupt, err))
	}
	return kind, f.buf, nil
}
