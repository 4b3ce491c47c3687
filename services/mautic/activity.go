package mautic

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Event is one entry of a contact's activity timeline.
type Event struct {
	// Event is the type key ("page.hit"), EventID its id ("page.hit" ids are
	// bare numbers, sent as JSON numbers or strings), EventType the human type.
	Event, EventID, EventType string
	// Label is eventLabel: the string, or the "label" member of its object form.
	Label string
	// Timestamp is zero when missing or unparseable.
	Timestamp time.Time
	// Raw is the whole event object as sent (details included).
	Raw json.RawMessage
}

// EachEvent streams every activity event of contact id to fn, page by page
// (pages 1..maxPages; Mautic's limit applies per event type, so pages vary
// in size). Only one page is held at a time, and events are decoded one by
// one. An error from fn stops the walk and is returned as is.
func (cn *Conn) EachEvent(ctx context.Context, id int64, fn func(Event) error) error {
	path := idPath(id) + "/activity"
	for page := 1; ; page++ {
		q := url.Values{"page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(activityLimit)}}
		resp, err := cn.do(ctx, call{method: http.MethodGet, route: "/api/contacts/{id}/activity", path: path, query: q})
		if err != nil {
			return err
		}
		maxPages, n, err := streamEvents(resp.body, fn)
		if err != nil {
			return err
		}
		if n == 0 || int64(page) >= maxPages {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// streamEvents walks one activity answer token by token, handing each event
// to fn as soon as it is decoded. It returns maxPages (1 when absent) and
// the number of events seen.
func streamEvents(body []byte, fn func(Event) error) (maxPages int64, n int, err error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0, 0, &MalformedError{Reason: "activity answer is not an object"}
	}
	maxPages = 1
	sawEvents := false
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return 0, n, &MalformedError{Reason: "bad activity key"}
		}
		key, _ := kt.(string)
		switch key {
		case "events":
			sawEvents = true
			if err := eachStreamed(dec, func(raw json.RawMessage) error {
				n++
				return fn(decodeEvent(raw))
			}); err != nil {
				return 0, n, err
			}
		case "maxPages":
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return 0, n, &MalformedError{Reason: "bad maxPages"}
			}
			if mp, ok := flexInt(raw); ok {
				maxPages = mp
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return 0, n, &MalformedError{Reason: "bad activity member"}
			}
		}
	}
	if !sawEvents {
		return 0, n, &MalformedError{Reason: "activity answer without events"}
	}
	return maxPages, n, nil
}

// eachStreamed decodes the members of the array (or id-keyed object) the
// decoder is positioned at, one at a time.
func eachStreamed(dec *json.Decoder, fn func(json.RawMessage) error) error {
	tok, err := dec.Token()
	if err != nil {
		return &MalformedError{Reason: "bad events container"}
	}
	if tok == nil {
		return nil
	}
	d, ok := tok.(json.Delim)
	if !ok || (d != '[' && d != '{') {
		return &MalformedError{Reason: "events is neither an array nor an object"}
	}
	for dec.More() {
		if d == '{' {
			if _, err := dec.Token(); err != nil {
				return &MalformedError{Reason: "bad events key"}
			}
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return &MalformedError{Reason: "bad event"}
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return &MalformedError{Reason: "unterminated events"}
	}
	return nil
}

func decodeEvent(raw json.RawMessage) Event {
	var e struct {
		Event      json.RawMessage `json:"event"`
		EventID    json.RawMessage `json:"eventId"`
		EventType  json.RawMessage `json:"eventType"`
		EventLabel json.RawMessage `json:"eventLabel"`
		Timestamp  json.RawMessage `json:"timestamp"`
	}
	_ = json.Unmarshal(raw, &e)
	ev := Event{
		Event:     flexString(e.Event),
		EventID:   flexString(e.EventID),
		EventType: flexString(e.EventType),
		Timestamp: parseTime(e.Timestamp),
		Raw:       raw,
	}
	if l := bytes.TrimSpace(e.EventLabel); len(l) > 0 && l[0] == '{' {
		var obj struct {
			Label json.RawMessage `json:"label"`
		}
		if json.Unmarshal(l, &obj) == nil {
			ev.Label = flexString(obj.Label)
		}
	} else {
		ev.Label = flexString(e.EventLabel)
	}
	return ev
}
