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
	total, err := cn.eachListPage(ctx, "/api/contacts/{id}/"+name, idPath(id)+"/"+name, nil, name, func(m json.RawMessage) (bool, error) {
		members = append(members, append(json.RawMessage(nil), m...))
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	if total < int64(len(members)) {
		total = int64(len(members))
	}
	if members == nil {
		members = []json.RawMessage{}
	}
	list, err := json.Marshal(members)
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]json.RawMessage{"total": json.RawMessage(strconv.FormatInt(total, 10)), name: list})
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
	_, err := cn.eachListPage(ctx, "/api/fields/contact", "/api/fields/contact", nil, "fields", func(m json.RawMessage) (bool, error) {
		var f struct {
			Alias, Label, Type, Group json.RawMessage
		}
		if json.Unmarshal(m, &f) != nil {
			return false, &MalformedError{Reason: "field is not an object"}
		}
		fl := Field{Alias: flexString(f.Alias), Label: flexString(f.Label), Type: flexString(f.Type), Group: flexString(f.Group)}
		if fl.Alias == "" || seen[fl.Alias] {
			return false, nil
		}
		seen[fl.Alias] = true
		out = append(out, fl)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
