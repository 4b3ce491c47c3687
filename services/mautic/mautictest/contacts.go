package mautictest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// readBody decodes a JSON object or form body into alias -> value; a
// missing or empty body is an empty map. ok is false for broken JSON.
func readBody(r *http.Request) (map[string]any, bool) {
	out := map[string]any{}
	b, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return nil, false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return out, true
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		q, err := parseQuery(string(b))
		if err != nil {
			return nil, false
		}
		for k, v := range q {
			out[k] = v[0]
		}
		return out, true
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return nil, false
	}
	for k, v := range out {
		if n, ok := v.(json.Number); ok {
			if i, err := n.Int64(); err == nil {
				out[k] = i
			} else {
				out[k] = n.String()
			}
		}
	}
	return out, true
}

func (in *Instance) get(w http.ResponseWriter, id int64) {
	in.mu.Lock()
	c := in.contacts[id]
	var body []byte
	if c != nil {
		body = contactBody(c, renderOpts{view: viewGet, fs: in.fieldSet()})
	}
	in.mu.Unlock()
	if c == nil {
		writeNotFound(w)
		return
	}
	writeController(w, http.StatusOK, body)
}

// create is POST /contacts/new: merge into the contact with the same email
// (200, GET shape) or create (201, create shape, Location header).
func (in *Instance) create(w http.ResponseWriter, r *http.Request, basic bool) {
	fields, ok := readBody(r)
	if !ok {
		writeException(w, http.StatusBadRequest)
		return
	}
	in.mu.Lock()
	email := ""
	if v, ok := fields["email"]; ok && v != nil {
		email = sanitizeEmail(toString(v))
	}
	var c *contact
	if email != "" {
		c = in.byEmailLocked(email)
	}
	if c != nil {
		in.applyLocked(c, fields, false)
		in.touchLocked(c)
		body := contactBody(c, renderOpts{view: viewGet, fs: in.fieldSet()})
		in.mu.Unlock()
		writeController(w, http.StatusOK, body)
		return
	}
	c = in.insertLocked(basic)
	in.applyLocked(c, fields, false)
	body := contactBody(c, renderOpts{view: viewCreate, fs: in.fieldSet()})
	id := c.id
	in.mu.Unlock()
	w.Header().Set("Location", "/api/contacts/"+strconv.FormatInt(id, 10))
	writeController(w, http.StatusCreated, body)
}

func toString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// byEmailLocked finds the lowest-id contact with this email (case-insensitive).
func (in *Instance) byEmailLocked(email string) *contact {
	var best *contact
	for _, c := range in.contacts {
		if strings.EqualFold(c.values["email"], email) && (best == nil || c.id < best.id) {
			best = c
		}
	}
	return best
}

func (in *Instance) touchLocked(c *contact) {
	c.modified = in.now()
	c.modifiedBy = true
}

// edit is PATCH/PUT /contacts/{id}/edit. PATCH on an unknown id is 404;
// PUT on an unknown id creates a new contact (201, new id). An email that
// belongs to another contact merges that contact into this one and
// deletes it (API.md §5.5; see mergeLocked).
func (in *Instance) edit(w http.ResponseWriter, r *http.Request, id int64, put, basic bool) {
	fields, ok := readBody(r)
	if !ok {
		writeException(w, http.StatusBadRequest)
		return
	}
	in.mu.Lock()
	c := in.contacts[id]
	if c == nil && !put {
		in.mu.Unlock()
		writeNotFound(w)
		return
	}
	if c == nil {
		c = in.insertLocked(basic)
		in.applyLocked(c, fields, false)
		body := contactBody(c, renderOpts{view: viewCreate, fs: in.fieldSet()})
		nid := c.id
		in.mu.Unlock()
		w.Header().Set("Location", "/api/contacts/"+strconv.FormatInt(nid, 10))
		writeController(w, http.StatusCreated, body)
		return
	}
	in.editMergeLocked(c, fields)
	if put {
		for _, d := range in.fieldSet().defs {
			if _, ok := fields[d.alias]; !ok && d.alias != "points" {
				fields[d.alias] = nil
			}
		}
	}
	in.applyLocked(c, fields, put)
	in.touchLocked(c)
	body := contactBody(c, renderOpts{view: viewGet, fs: in.fieldSet()})
	in.mu.Unlock()
	writeController(w, http.StatusOK, body)
}

// delete answers the deleted contact with "id": null, then 404 forever.
func (in *Instance) delete(w http.ResponseWriter, id int64) {
	in.mu.Lock()
	c := in.contacts[id]
	if c == nil {
		in.mu.Unlock()
		writeNotFound(w)
		return
	}
	body := contactBody(c, renderOpts{view: viewGet, deleted: true, fs: in.fieldSet()})
	delete(in.contacts, id)
	in.deletes[id]++
	in.mu.Unlock()
	writeController(w, http.StatusOK, body)
}

// dnc is POST /contacts/{id}/dnc/{channel}/add|remove.
func (in *Instance) dnc(w http.ResponseWriter, r *http.Request, id int64, channel string, add bool) {
	params, ok := readBody(r)
	if !ok {
		writeException(w, http.StatusBadRequest)
		return
	}
	reason := 3
	if v, present := params["reason"]; present && add {
		n, err := strconv.Atoi(strings.TrimSpace(toString(v)))
		if err != nil || n <= 0 {
			if !in.HasContact(id) {
				writeNotFound(w)
				return
			}
			writeController(w, http.StatusBadRequest, controllerError(400, "Invalid reason code given",
				[]string{"Reason code needs to be an integer and higher than 0."}))
			return
		}
		reason = n
	}
	comments := ""
	if v, ok := params["comments"]; ok {
		comments = toString(v)
	}
	in.mu.Lock()
	c := in.contacts[id]
	if c == nil {
		in.mu.Unlock()
		writeNotFound(w)
		return
	}
	w2 := &jw{}
	w2.obj()
	if add {
		var existing *dncEntry
		for _, d := range c.dnc {
			if d.channel == channel {
				existing = d
				break
			}
		}
		switch {
		case existing == nil:
			in.nextDNC++
			c.dnc = append(c.dnc, &dncEntry{id: in.nextDNC, channel: channel, reason: reason, comments: comments, added: in.now()})
			in.touchLocked(c)
		case existing.reason != 1: // never changed; only dateModified moves
			in.touchLocked(c)
		}
	} else {
		found := false
		for i, d := range c.dnc {
			if d.channel == channel {
				c.dnc = append(c.dnc[:i:i], c.dnc[i+1:]...)
				found = true
				break
			}
		}
		if found {
			in.touchLocked(c)
		}
		w2.key("recordFound").bool(found)
	}
	w2.key("contact")
	renderContact(w2, c, renderOpts{view: viewDNC, fs: in.fieldSet()})
	w2.end()
	in.mu.Unlock()
	writeController(w, http.StatusOK, w2.b)
}
