package mautic

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// subResources are the contact sub-resources SubResource may fetch.
var subResources = map[string]bool{"notes": true, "devices": true, "companies": true, "segments": true, "campaigns": true}

// pagedSubResources are the sub-resources Mautic pages (default 30 a page):
// SubResource walks them with start/limit until it has every member.
var pagedSubResources = map[string]bool{"notes": true, "devices": true}

// SubResource returns GET /api/contacts/{id}/{name} as raw JSON, for name in
// notes, devices, companies, segments, campaigns. ErrNotFound for an
// unknown contact. Paged sub-resources (notes, devices) are fetched page by
// page and answered as one body {"total":N,"<name>":[...every member...]}.
func (cn *Conn) SubResource(ctx context.Context, id int64, name string) (json.RawMessage, error) {
	if !subResources[name] {
		return nil, errors.New("mautic: unknown contact sub-resource")
	}
	if pagedSubResources[name] {
		return cn.pagedSubResource(ctx, id, name)
	}
	return cn.subResourcePage(ctx, id, name, nil)
}

func (cn *Conn) subResourcePage(ctx context.Context, id int64, name string, q url.Values) (json.RawMessage, error) {
	resp, err := cn.do(ctx, call{method: http.MethodGet, route: "/api/contacts/{id}/" + name, path: idPath(id) + "/" + name, query: q})
	if err != nil {
		return nil, err
	}
	if !json.Valid(resp.body) {
		return nil, &MalformedError{Reason: name + " answer is not valid JSON"}
	}
	return json.RawMessage(resp.body), nil
}

func (cn *Conn) pagedSubResource(ctx context.Context, id int64, name string) (json.RawMessage, error) {
	var members []json.RawMessage
	var total int64
	for start := 0; ; {
		q := url.Values{"start": {strconv.Itoa(start)}, "limit": {strconv.Itoa(pageLimit)}}
		page, err := cn.subResourcePage(ctx, id, name, q)
		if err != nil {
			return nil, err
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(page, &body); err != nil {
			return nil, &MalformedError{Reason: name + " answer is not an object"}
		}
		n := 0
		if err := eachMember(body[name], func(m json.RawMessage) error {
			n++
			members = append(members, append(json.RawMessage(nil), m...))
			return nil
		}); err != nil {
			return nil, err
		}
		start += n
		t, known := flexInt(body["total"])
		if known {
			total = t
		}
		if n == 0 || n < pageLimit || (known && int64(start) >= t) {
			break
		}
	}
	if total < int64(len(members)) {
		total = int64(len(members))
	}
	list, err := json.Marshal(members)
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(map[string]json.RawMessage{"total": json.RawMessage(strconv.FormatInt(total, 10)), name: list})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Field is a contact field definition.
type Field struct {
	Alias, Label, Type, Group string
}

// ContactFields lists the instance's contact fields (all pages). The list
// comes as an object keyed by field id or as an array; both are accepted.
func (cn *Conn) ContactFields(ctx context.Context) ([]Field, error) {
	var out []Field
	seen := map[string]bool{}
	for start := 0; ; {
		q := url.Values{"start": {strconv.Itoa(start)}, "limit": {strconv.Itoa(pageLimit)}}
		resp, err := cn.do(ctx, call{method: http.MethodGet, route: "/api/fields/contact", path: "/api/fields/contact", query: q})
		if err != nil {
			return nil, err
		}
		var body struct {
			Total  json.RawMessage `json:"total"`
			Fields json.RawMessage `json:"fields"`
		}
		if err := json.Unmarshal(resp.body, &body); err != nil || body.Fields == nil {
			return nil, &MalformedError{Reason: "field list without fields"}
		}
		n, fresh := 0, 0
		err = eachMember(body.Fields, func(m json.RawMessage) error {
			n++
			var f struct {
				Alias, Label, Type, Group json.RawMessage
			}
			if json.Unmarshal(m, &f) != nil {
				return &MalformedError{Reason: "field is not an object"}
			}
			fl := Field{Alias: flexString(f.Alias), Label: flexString(f.Label), Type: flexString(f.Type), Group: flexString(f.Group)}
			if fl.Alias == "" || seen[fl.Alias] {
				return nil
			}
			seen[fl.Alias] = true
			fresh++
			out = append(out, fl)
			return nil
		})
		if err != nil {
			return nil, err
		}
		start += n
		total, known := flexInt(body.Total)
		if n < pageLimit || fresh == 0 || (known && int64(start) >= total) {
			return out, nil
		}
	}
}

// Ping makes a cheap authenticated call (one minimal contact) and returns
// the Mautic-Version header ("" when the instance does not send it).
func (cn *Conn) Ping(ctx context.Context) (string, error) {
	q := url.Values{"limit": {"1"}, "minimal": {"1"}}
	resp, err := cn.do(ctx, call{method: http.MethodGet, route: "/api/contacts", path: "/api/contacts", query: q})
	if err != nil {
		return "", err
	}
	var body struct {
		Contacts json.RawMessage `json:"contacts"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil || body.Contacts == nil {
		return "", &MalformedError{Reason: "contact list without contacts"}
	}
	return resp.header.Get("Mautic-Version"), nil
}
