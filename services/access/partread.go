package access

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// partReader walks a part file's frames.
type partReader struct {
	er *encReader
	fr *frameReader
}

// openPart opens the part of (requestID, tenantID); os.ErrNotExist when
// there is none.
func (p *Packager) openPart(requestID, tenantID string) (*partReader, error) {
	er, err := openEncrypted(p.partPath(requestID, tenantID), partBinding(requestID, tenantID), func(sealed []byte) ([]byte, error) {
		return openDataKey(p.store.Sealer(), partKeyAAD(requestID, tenantID), sealed)
	})
	if err != nil {
		return nil, err
	}
	return &partReader{er: er, fr: newFrameReader(er)}, nil
}

func (r *partReader) Close() error { return r.er.Close() }

// partVisitor receives a part's frames in order; nil members are skipped.
type partVisitor struct {
	header  func(partHeader) error
	contact func(raw []byte) error
	event   func(raw []byte) error
}

// walk reads the whole part, handing frames to v, and returns the end
// frame. A part without a valid end frame is corrupt.
func (r *partReader) walk(v partVisitor) (partEnd, error) {
	var end partEnd
	sawEnd := false
	for {
		kind, payload, err := r.fr.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return end, err
		}
		if sawEnd {
			return end, fmt.Errorf("access: data after the end of a part: %w", ErrCorrupt)
		}
		switch kind {
		case frameHeader:
			if v.header != nil {
				var h partHeader
				if err := json.Unmarshal(payload, &h); err != nil {
					return end, errors.Join(ErrCorrupt, err)
				}
				err = v.header(h)
			}
		case frameContact:
			if v.contact != nil {
				err = v.contact(payload)
			}
		case frameEvent:
			if v.event != nil {
				err = v.event(payload)
			}
		case frameEnd:
			if err := json.Unmarshal(payload, &end); err != nil {
				return end, errors.Join(ErrCorrupt, err)
			}
			sawEnd = true
		default:
			return end, fmt.Errorf("access: unknown part frame %q: %w", kind, ErrCorrupt)
		}
		if err != nil {
			return end, err
		}
	}
	if !sawEnd {
		return end, fmt.Errorf("access: part has no end: %w", ErrCorrupt)
	}
	return end, nil
}

// walkPart opens, walks and closes one part.
func (p *Packager) walkPart(requestID, tenantID string, v partVisitor) (partEnd, error) {
	r, err := p.openPart(requestID, tenantID)
	if err != nil {
		return partEnd{}, err
	}
	defer r.Close()
	return r.walk(v)
}

func partMissing(err error) bool { return errors.Is(err, os.ErrNotExist) }
