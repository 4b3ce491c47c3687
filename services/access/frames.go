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

// partEvent is one activity event as stored in a part: a binary frame
// (no JSON to parse on the way out), the event exactly as Mautic sent it
// plus the columns activity.csv needs. Decoded slices alias the frame.
type partEvent struct {
	ContactID int64
	Timestamp []byte
	Event     []byte
	EventType []byte
	Label     []byte
	EventID   []byte
	Details   []byte // the "details" member, compact JSON, or empty
	Raw       []byte // the whole event object
}

// appendEvent encodes ev onto b.
func appendEvent(b []byte, ev *partEvent) []byte {
	b = binary.AppendUvarint(b, uint64(ev.ContactID))
	for _, f := range [][]byte{ev.Timestamp, ev.Event, ev.EventType, ev.Label, ev.EventID, ev.Details, ev.Raw} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// decodeEvent reads a frame made by appendEvent.
func decodeEvent(b []byte, ev *partEvent) error {
	id, n := binary.Uvarint(b)
	if n <= 0 {
		return ErrCorrupt
	}
	ev.ContactID = int64(id)
	b = b[n:]
	for _, f := range []*[]byte{&ev.Timestamp, &ev.Event, &ev.EventType, &ev.Label, &ev.EventID, &ev.Details, &ev.Raw} {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			return ErrCorrupt
		}
		*f = b[n : n+int(l)]
		b = b[n+int(l):]
	}
	if len(b) != 0 {
		return ErrCorrupt
	}
	return nil
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
