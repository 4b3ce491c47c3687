package access

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"testing"
)

func encrypt(t testing.TB, key []byte, binding string, pt []byte, writeSize int) []byte {
	t.Helper()
	var out bytes.Buffer
	cw, err := newChunkWriter(&out, key, binding)
	if err != nil {
		t.Fatal(err)
	}
	for p := pt; len(p) > 0; {
		n := min(writeSize, len(p))
		if _, err := cw.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func decrypt(key []byte, binding string, ct []byte) ([]byte, error) {
	cr, err := newChunkReader(bytes.NewReader(ct), key, binding)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(cr)
}

func testKey() []byte {
	k := make([]byte, keySize)
	_, _ = rand.Read(k)
	return k
}

func TestChunkRoundTrip(t *testing.T) {
	key := testKey()
	sizes := []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3 * ChunkSize, 3*ChunkSize + 5}
	for _, size := range sizes {
		for _, ws := range []int{1 << 20, 4096, 7} {
			if ws == 7 && size > ChunkSize+1 {
				continue // byte-wise writes of big inputs only cost time
			}
			pt := make([]byte, size)
			_, _ = rand.Read(pt)
			ct := encrypt(t, key, "b", pt, ws)
			chunks := max(1, (size+ChunkSize-1)/ChunkSize)
			if want := size + chunks*16; len(ct) != want {
				t.Fatalf("size %d: ciphertext %d, want %d", size, len(ct), want)
			}
			got, err := decrypt(key, "b", ct)
			if err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("size %d write %d: round trip failed: %v", size, ws, err)
			}
		}
	}
}

func TestChunkTampering(t *testing.T) {
	key := testKey()
	pt := bytes.Repeat([]byte("subject data "), 3*ChunkSize/13+100)
	ct := encrypt(t, key, "part|r|t", pt, 1<<20)
	full := ChunkSize + 16
	swapped := append([]byte(nil), ct...)
	copy(swapped[:full], ct[full:2*full])
	copy(swapped[full:2*full], ct[:full])
	tests := []struct {
		name    string
		ct      []byte
		key     []byte
		binding string
	}{
		{"flipped bit", func() []byte { c := append([]byte(nil), ct...); c[full+10] ^= 1; return c }(), key, "part|r|t"},
		{"truncated at a chunk boundary", ct[:2*full], key, "part|r|t"},
		{"truncated inside a chunk", ct[:len(ct)-5], key, "part|r|t"},
		{"chunks swapped", swapped, key, "part|r|t"},
		{"chunk appended", append(append([]byte(nil), ct...), ct[:full]...), key, "part|r|t"},
		{"other binding", ct, key, "part|r|other"},
		{"other key", ct, testKey(), "part|r|t"},
		{"empty", nil, key, "part|r|t"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := decrypt(tc.key, tc.binding, tc.ct); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("got %v, want ErrCorrupt", err)
			}
		})
	}
}

func FuzzChunkReader(f *testing.F) {
	key := bytes.Repeat([]byte{1}, keySize)
	f.Add(encrypt(f, key, "b", []byte("hello"), 100))
	f.Add(encrypt(f, key, "b", nil, 100))
	f.Add([]byte{})
	f.Add(bytes.Repeat([]byte{0}, 40))
	f.Fuzz(func(t *testing.T, ct []byte) {
		pt, err := decrypt(key, "b", ct)
		if err == nil && !bytes.Equal(encrypt(t, key, "b", pt, 1<<20), ct) {
			t.Fatal("accepted a ciphertext the writer would not produce")
		}
	})
}

func FuzzFrames(f *testing.F) {
	var buf bytes.Buffer
	fw := &frameWriter{w: &buf}
	_ = fw.writeJSON(frameHeader, partHeader{TenantID: "t"})
	_ = fw.write(frameContact, []byte(`{"id":1}`))
	_ = fw.writeJSON(frameEnd, partEnd{Contacts: 1})
	f.Add(buf.Bytes())
	f.Add([]byte{frameEvent, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, b []byte) {
		r := &partReader{fr: newFrameReader(bytes.NewReader(b))}
		_, _ = r.walk(partVisitor{contact: func([]byte) error { return nil }, event: func([]byte) error { return nil }})
	})
}
