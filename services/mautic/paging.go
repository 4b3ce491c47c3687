package mautic

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// eachListPage walks a list endpoint that Mautic pages with start/limit
// (contacts, fields, notes, devices). For every page it hands each member of
// the body's key to fn, which reports whether the member was new. It stops
// on a short page, on a page with nothing new (a server that ignores start),
// or once the body's total is reached, and returns the last total seen (-1
// when Mautic sent none). A body without key is a MalformedError.
func (cn *Conn) eachListPage(ctx context.Context, route, path string, base url.Values, key string, fn func(json.RawMessage) (bool, error)) (int64, error) {
	total := int64(-1)
	for start := 0; ; {
		q := url.Values{}
		for k, v := range base {
			q[k] = v
		}
		q.Set("start", strconv.Itoa(start))
		q.Set("limit", strconv.Itoa(pageLimit))
		resp, err := cn.do(ctx, call{method: http.MethodGet, route: route, path: path, query: q})
		if err != nil {
			return total, err
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(resp.body, &body); err != nil || body[key] == nil {
			return total, &MalformedError{Reason: "list answer without " + key}
		}
		n, fresh := 0, 0
		err = eachMember(body[key], func(m json.RawMessage) error {
			n++
			isNew, err := fn(m)
			if isNew {
				fresh++
			}
			return err
		})
		if err != nil {
			return total, err
		}
		start += n
		t, known := flexInt(body["total"])
		if known {
			total = t
		}
		if n < pageLimit || fresh == 0 || (known && int64(start) >= t) {
			return total, nil
		}
	}
}
