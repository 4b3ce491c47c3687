package access

import (
	"bytes"
	"encoding/json"
	"sort"
	"strconv"

	"github.com/mautic-dsar/mautic-dsar/services/mautic"
)

// fieldDoc is one profile field in data.json.
type fieldDoc struct {
	Alias string          `json:"alias"`
	Label string          `json:"label"`
	Group string          `json:"group"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// contactDoc is one contact in data.json, without its activity (which is
// streamed after it). Every list member is a JSON array; the values are
// exactly what Mautic sent.
type contactDoc struct {
	ID             int64           `json:"id"`
	DateAdded      json.RawMessage `json:"dateAdded"`
	DateModified   json.RawMessage `json:"dateModified"`
	DateIdentified json.RawMessage `json:"dateIdentified"`
	LastActive     json.RawMessage `json:"lastActive"`
	Fields         []fieldDoc      `json:"fields"`
	Tags           json.RawMessage `json:"tags"`
	UTMTags        json.RawMessage `json:"utmTags"`
	Points         json.RawMessage `json:"points"`
	Stage          json.RawMessage `json:"stage"`
	Companies      json.RawMessage `json:"companies"`
	Segments       json.RawMessage `json:"segments"`
	Campaigns      json.RawMessage `json:"campaigns"`
	DoNotContact   json.RawMessage `json:"doNotContact"`
	FrequencyRules json.RawMessage `json:"frequencyRules"`
	Notes          json.RawMessage `json:"notes"`
	Devices        json.RawMessage `json:"devices"`
	IPAddresses    json.RawMessage `json:"ipAddresses"`
}

// rawContact is the part of Mautic's contact object the package reads.
type rawContact struct {
	DateAdded      json.RawMessage `json:"dateAdded"`
	DateModified   json.RawMessage `json:"dateModified"`
	DateIdentified json.RawMessage `json:"dateIdentified"`
	LastActive     json.RawMessage `json:"lastActive"`
	Points         json.RawMessage `json:"points"`
	Stage          json.RawMessage `json:"stage"`
	Tags           json.RawMessage `json:"tags"`
	UTMTags        json.RawMessage `json:"utmtags"`
	DoNotContact   json.RawMessage `json:"doNotContact"`
	IPAddresses    json.RawMessage `json:"ipAddresses"`
	FrequencyRules json.RawMessage `json:"frequencyRules"`
	Fields         struct {
		All map[string]json.RawMessage `json:"all"`
	} `json:"fields"`
}

// subResourceKeys maps a contact sub-resource to the member of Mautic's
// answer that holds its list (segments come as "lists").
var subResourceKeys = map[string]string{
	"notes": "notes", "devices": "devices", "companies": "companies", "segments": "lists", "campaigns": "campaigns",
}

// newContactDoc builds the document of c from its raw object and the
// instance's field definitions; sub-resources are filled in by the caller.
func newContactDoc(c mautic.Contact, defs []mautic.Field) *contactDoc {
	var rc rawContact
	_ = json.Unmarshal(c.Raw, &rc) // a malformed object leaves members empty; Fields is the fallback
	values := rc.Fields.All
	if values == nil {
		values = map[string]json.RawMessage{}
		for k, v := range c.Fields {
			if b, err := json.Marshal(v); err == nil {
				values[k] = b
			}
		}
	}
	delete(values, "id")
	d := &contactDoc{
		ID: c.ID, DateAdded: orNull(rc.DateAdded), DateModified: orNull(rc.DateModified),
		DateIdentified: orNull(rc.DateIdentified), LastActive: orNull(rc.LastActive),
		Tags: normalizeList(rc.Tags), UTMTags: normalizeList(rc.UTMTags), Points: orNull(rc.Points),
		Stage: orNull(rc.Stage), DoNotContact: normalizeList(rc.DoNotContact),
		FrequencyRules: normalizeList(rc.FrequencyRules), IPAddresses: normalizeList(rc.IPAddresses),
	}
	seen := map[string]bool{}
	for _, f := range defs {
		if seen[f.Alias] {
			continue
		}
		seen[f.Alias] = true
		d.Fields = append(d.Fields, fieldDoc{Alias: f.Alias, Label: f.Label, Group: f.Group, Type: f.Type, Value: orNull(values[f.Alias])})
	}
	var extra []string
	for k := range values {
		if !seen[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		d.Fields = append(d.Fields, fieldDoc{Alias: k, Value: orNull(values[k])})
	}
	return d
}

// setSubResource stores the list of a sub-resource answer under name.
func (d *contactDoc) setSubResource(name string, body json.RawMessage) {
	list := json.RawMessage("[]")
	if len(body) > 0 {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err == nil {
			if v, ok := m[subResourceKeys[name]]; ok {
				list = normalizeList(v)
			} else if len(m) > 1 || m["total"] == nil {
				list = wrapList(body) // unexpected shape: keep it whole, lose nothing
			}
		} else {
			list = wrapList(body)
		}
	}
	switch name {
	case "notes":
		d.Notes = list
	case "devices":
		d.Devices = list
	case "companies":
		d.Companies = list
	case "segments":
		d.Segments = list
	case "campaigns":
		d.Campaigns = list
	}
}

func orNull(v json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(v)) == 0 {
		return json.RawMessage("null")
	}
	return v
}

func wrapList(v json.RawMessage) json.RawMessage {
	return json.RawMessage("[" + string(v) + "]")
}

// normalizeList turns Mautic's list encodings into a JSON array: arrays stay,
// objects keyed by id, tag or IP become the array of their values (in key
// order, numeric keys numerically), null or absent becomes [].
func normalizeList(v json.RawMessage) json.RawMessage {
	v = bytes.TrimSpace(v)
	switch {
	case len(v) == 0 || string(v) == "null":
		return json.RawMessage("[]")
	case v[0] == '[':
		return v
	case v[0] != '{':
		return wrapList(v)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil {
		return wrapList(v)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, aerr := strconv.ParseInt(keys[i], 10, 64)
		b, berr := strconv.ParseInt(keys[j], 10, 64)
		if aerr == nil && berr == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(m[k])
	}
	buf.WriteByte(']')
	return buf.Bytes()
}
