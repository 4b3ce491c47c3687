package server

import (
	"errors"
	"net/url"
	"regexp"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/protobuf/proto"
)

// safeQueryParser is the default query parser with errors that name the
// parameter but never echo its value.
type safeQueryParser struct{ runtime.DefaultQueryParser }

var reQueryField = regexp.MustCompile(`field "([A-Za-z_][A-Za-z0-9_.]{0,127})"`)

// Parse implements runtime.QueryParameterParser.
func (p *safeQueryParser) Parse(msg proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	err := p.DefaultQueryParser.Parse(msg, values, filter)
	if err == nil {
		return nil
	}
	if m := reQueryField.FindStringSubmatch(err.Error()); m != nil {
		return errors.New("invalid query parameter \"" + m[1] + "\"")
	}
	return errors.New("invalid query parameters")
}
