package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/protobuf/encoding/protojson"
)

// marshaler is the gateway's only marshaler: protojson for messages, raw
// bytes for google.api.HttpBody. Streams get no delimiter from the mux;
// instead every JSON document ends in "\n", so JSON streams stay
// newline-delimited while HttpBody streams (file downloads) stay byte-exact.
type marshaler struct {
	runtime.HTTPBodyMarshaler
	maxBody int64
}

func newMarshaler(maxBody int64) *marshaler {
	return &marshaler{
		HTTPBodyMarshaler: runtime.HTTPBodyMarshaler{Marshaler: &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: true, UseProtoNames: false},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
		}},
		maxBody: maxBody,
	}
}

// Delimiter is empty: see marshaler.
func (m *marshaler) Delimiter() []byte { return nil }

// Marshal writes HttpBody data as is and JSON followed by a newline.
func (m *marshaler) Marshal(v any) ([]byte, error) {
	if b, ok := v.(*httpbody.HttpBody); ok {
		return b.GetData(), nil
	}
	out, err := m.HTTPBodyMarshaler.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// NewDecoder returns a decoder whose errors never echo the body.
func (m *marshaler) NewDecoder(r io.Reader) runtime.Decoder {
	return safeDecoder{inner: m.HTTPBodyMarshaler.NewDecoder(r), max: m.maxBody}
}

type safeDecoder struct {
	inner runtime.Decoder
	max   int64
}

func (d safeDecoder) Decode(v any) error {
	err := d.inner.Decode(v)
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("request body exceeds %d bytes", mbe.Limit)
	}
	return errors.New(DecodeErrorMessage(err))
}

var (
	rePosition     = regexp.MustCompile(`\(line \d+:\d+\)`)
	reInvalidValue = regexp.MustCompile(`invalid value for [a-z0-9]+ field [A-Za-z0-9_]+`)
	reUnknownField = regexp.MustCompile(`unknown field "([A-Za-z_][A-Za-z0-9_]{0,63})"`)
	reSafeWord     = regexp.MustCompile(`(duplicate field|unexpected token|syntax error|required field|oneof)`)
)

// DecodeErrorMessage turns a JSON decoding error into a message that keeps
// the position and the schema-derived part (field kinds and names) but never
// a value from the body, so subject data sent in the wrong place is not
// echoed into errors, logs or spans.
func DecodeErrorMessage(err error) string {
	s := err.Error()
	msg := "invalid JSON body"
	if p := rePosition.FindString(s); p != "" {
		msg += " " + p
	}
	switch {
	case reInvalidValue.MatchString(s):
		return msg + ": " + reInvalidValue.FindString(s)
	case reUnknownField.MatchString(s):
		return msg + ": unknown field \"" + reUnknownField.FindStringSubmatch(s)[1] + "\""
	case rePosition.MatchString(s) && reSafeWord.MatchString(s):
		return msg + ": " + reSafeWord.FindString(s)
	case strings.Contains(s, "unknown field"):
		return msg + ": unknown field"
	}
	return msg
}
