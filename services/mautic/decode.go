package mautic

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// apiError is the first entry of Mautic's {"errors":[...]} body.
type apiError struct {
	Code    int
	Type    string
	HasType bool // the "type" key was present (auth gate / exception shape)
}

// parseErrorBody reads {"errors":[{"code":..,"message":..,"type":..}]};
// shaped is false when the body is not in that shape at all.
func parseErrorBody(b []byte) (e apiError, shaped bool) {
	var body struct {
		Errors []map[string]json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(b, &body); err != nil || len(body.Errors) == 0 {
		return e, false
	}
	first := body.Errors[0]
	if c, ok := first["code"]; ok {
		code, _ := flexInt(c)
		e.Code = int(code)
	}
	if t, ok := first["type"]; ok {
		e.HasType = true
		_ = json.Unmarshal(t, &e.Type)
	}
	return e, true
}

// flexInt decodes an int sent as a JSON number, a numeric string or a
// float with zero fraction ("2", 2, 2.0). ok is false for null or garbage.
func flexInt(raw json.RawMessage) (int64, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false
	}
	s := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, false
		}
		s = strings.TrimSpace(s)
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f > math.MaxInt64 || f < math.MinInt64 {
		return 0, false
	}
	return int64(math.Ceil(f)), true
}

// flexString decodes a string, a number (as its text) or null ("").
func flexString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return ""
	}
	if raw[0] == '{' || raw[0] == '[' {
		return ""
	}
	return string(raw)
}

// parseTime accepts ISO-8601 with offset (PHP "c"), RFC 3339, MySQL
// "Y-m-d H:i:s" (UTC) and PHP's serialized DateTime object; zero otherwise.
func parseTime(raw json.RawMessage) time.Time {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var obj struct {
			Date string `json:"date"`
		}
		if json.Unmarshal(raw, &obj) == nil {
			return parseTimeString(obj.Date)
		}
		return time.Time{}
	}
	return parseTimeString(flexString(raw))
}

func parseTimeString(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700", "2006-01-02 15:04:05.999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// eachMember calls fn for every member of a JSON container that is either
// an object (keyed by id) or an array, in wire order. {} and [] are empty;
// null is empty too.
func eachMember(raw json.RawMessage, fn func(json.RawMessage) error) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return &MalformedError{Reason: "container is not JSON"}
	}
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return &MalformedError{Reason: "container is neither an object nor an array"}
	}
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return &MalformedError{Reason: "bad object key"}
			}
		}
		var m json.RawMessage
		if err := dec.Decode(&m); err != nil {
			return &MalformedError{Reason: "bad container member"}
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return nil
}
