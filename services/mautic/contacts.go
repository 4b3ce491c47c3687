package mautic

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Contact is a Mautic contact as the engine needs it.
type Contact struct {
	// ID is the contact id; 0 in a delete answer (Mautic sends "id": null).
	ID int64
	// Email is fields.all.email (or the core field value).
	Email string
	// DateAdded, DateModified and LastActive are zero when null.
	DateAdded, DateModified, LastActive time.Time
	// Fields is fields.all minus "id" (alias -> value as JSON-decoded).
	Fields map[string]any
	// Raw is the contact object exactly as Mautic sent it.
	Raw json.RawMessage
}

// decodeContact reads one contact object in any of Mautic's shapes (GET,
// list, create, DNC "group-less", delete with id null).
func decodeContact(raw json.RawMessage) (Contact, error) {
	var c struct {
		ID           json.RawMessage            `json:"id"`
		DateAdded    json.RawMessage            `json:"dateAdded"`
		DateModified json.RawMessage            `json:"dateModified"`
		LastActive   json.RawMessage            `json:"lastActive"`
		Email        json.RawMessage            `json:"email"`
		Fields       map[string]json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return Contact{}, &MalformedError{Reason: "contact is not an object"}
	}
	out := Contact{
		DateAdded:    parseTime(c.DateAdded),
		DateModified: parseTime(c.DateModified),
		LastActive:   parseTime(c.LastActive),
		Fields:       map[string]any{},
		Raw:          append(json.RawMessage(nil), raw...),
	}
	out.ID, _ = flexInt(c.ID)
	if all, ok := c.Fields["all"]; ok && len(all) > 0 && all[0] == '{' {
		if err := json.Unmarshal(all, &out.Fields); err != nil {
			return Contact{}, &MalformedError{Reason: "fields.all is not an object"}
		}
		delete(out.Fields, "id")
	} else {
		for _, g := range []string{"core", "social", "personal", "professional"} {
			if err := eachMember(c.Fields[g], func(m json.RawMessage) error {
				var f struct {
					Alias string `json:"alias"`
					Value any    `json:"value"`
				}
				if json.Unmarshal(m, &f) == nil && f.Alias != "" {
					out.Fields[f.Alias] = f.Value
				}
				return nil
			}); err != nil {
				return Contact{}, err
			}
		}
	}
	if s, ok := out.Fields["email"].(string); ok {
		out.Email = s
	} else {
		out.Email = flexString(c.Email)
	}
	return out, nil
}

// decodeContactBody reads {"contact":{...}}.
func decodeContactBody(b []byte) (*Contact, error) {
	var body struct {
		Contact json.RawMessage `json:"contact"`
	}
	if err := json.Unmarshal(b, &body); err != nil || len(body.Contact) == 0 || body.Contact[0] != '{' {
		return nil, &MalformedError{Reason: "no contact object in the answer"}
	}
	c, err := decodeContact(body.Contact)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func idPath(id int64) string { return "/api/contacts/" + strconv.FormatInt(id, 10) }

// FindByEmail returns every contact whose email equals email exactly
// (case-insensitive, surrounding spaces ignored). It asks Mautic for a true
// equality filter (where[0][expr]=eq), never the prefix-LIKE "search=email:",
// pages through all results 100 at a time, and re-checks each email itself.
func (cn *Conn) FindByEmail(ctx context.Context, email string) ([]Contact, error) {
	want := strings.TrimSpace(email)
	if want == "" {
		return nil, errors.New("mautic: empty email")
	}
	var out []Contact
	seen := map[int64]bool{}
	q := url.Values{
		"where[0][col]":  {"email"},
		"where[0][expr]": {"eq"},
		"where[0][val]":  {want},
		"orderBy":        {"id"},
		"orderByDir":     {"ASC"},
	}
	_, err := cn.eachListPage(ctx, "/api/contacts", "/api/contacts", q, "contacts", func(m json.RawMessage) (bool, error) {
		c, err := decodeContact(m)
		if err != nil {
			return false, err
		}
		if seen[c.ID] {
			return false, nil
		}
		seen[c.ID] = true
		if SameEmail(c.Email, want) {
			out = append(out, c)
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GetContact fetches one contact; ErrNotFound when it does not exist.
func (cn *Conn) GetContact(ctx context.Context, id int64) (*Contact, error) {
	resp, err := cn.do(ctx, call{method: http.MethodGet, route: "/api/contacts/{id}", path: idPath(id)})
	if err != nil {
		return nil, err
	}
	return decodeContactBody(resp.body)
}

// DeleteContact deletes one contact; ErrNotFound if it is already gone.
func (cn *Conn) DeleteContact(ctx context.Context, id int64) error {
	resp, err := cn.do(ctx, call{method: http.MethodDelete, route: "/api/contacts/{id}/delete", path: idPath(id) + "/delete"})
	if err != nil {
		return err
	}
	_, err = decodeContactBody(resp.body)
	return err
}

// EditContact changes the given fields (PATCH: absent fields are kept).
// Note Mautic drops numeric zero values on PATCH and merges (deletes) another
// contact that already has a submitted unique identifier such as the email.
func (cn *Conn) EditContact(ctx context.Context, id int64, fields map[string]any) (*Contact, error) {
	b, err := json.Marshal(fields)
	if err != nil {
		return nil, errors.New("mautic: fields are not JSON-encodable")
	}
	resp, err := cn.do(ctx, call{method: http.MethodPatch, route: "/api/contacts/{id}/edit", path: idPath(id) + "/edit",
		body: b, contentType: "application/json"})
	if err != nil {
		return nil, err
	}
	return decodeContactBody(resp.body)
}

// AddDNC marks the contact do-not-contact on channel ("email", "sms", ...).
// reason is 1 (unsubscribed), 2 (bounced) or 3 (manual); reason <= 0 lets
// Mautic apply its default (3). Mautic never changes an existing entry for
// the channel, so a repeat is a no-op.
func (cn *Conn) AddDNC(ctx context.Context, id int64, channel string, reason int, comments string) error {
	if !validChannel(channel) {
		return errors.New("mautic: invalid DNC channel")
	}
	body := map[string]any{}
	if reason > 0 {
		body["reason"] = reason
	}
	if comments != "" {
		body["comments"] = comments
	}
	b, _ := json.Marshal(body)
	resp, err := cn.do(ctx, call{method: http.MethodPost, route: "/api/contacts/{id}/dnc/{channel}/add",
		path: idPath(id) + "/dnc/" + channel + "/add", body: b, contentType: "application/json"})
	if err != nil {
		return err
	}
	_, err = decodeContactBody(resp.body)
	return err
}

// RemoveDNC removes the contact's do-not-contact entry for channel; it
// succeeds whether or not an entry existed.
func (cn *Conn) RemoveDNC(ctx context.Context, id int64, channel string) error {
	if !validChannel(channel) {
		return errors.New("mautic: invalid DNC channel")
	}
	resp, err := cn.do(ctx, call{method: http.MethodPost, route: "/api/contacts/{id}/dnc/{channel}/remove",
		path: idPath(id) + "/dnc/" + channel + "/remove"})
	if err != nil {
		return err
	}
	_, err = decodeContactBody(resp.body)
	return err
}

func validChannel(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// SameEmail reports whether two emails are the same address for erasure:
// equal after trimming, with ASCII letters compared case-insensitively and
// everything else byte for byte. Unicode case folding is deliberately not
// used: it would equate the Kelvin sign with "k" and the long s with "s",
// so "\u212aelly@x.io" would match "kelly@x.io".
func SameEmail(a, b string) bool {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
