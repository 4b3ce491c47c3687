package mautictest

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Field is a custom contact field to add to an instance with AddField, as
// an admin would create it (POST /api/fields/contact/new).
type Field struct {
	// Alias is the column name: lower-case letters, digits and "_".
	Alias string
	// Label is the human name shown in fields lists and contact answers.
	Label string
	// Type is a Mautic field type: text, textarea, email, tel, url, date,
	// datetime, time, boolean, number, select, multiselect, country, region,
	// locale, timezone, lookup. Empty means text.
	Type string
	// Group is core, social, personal or professional (empty: core).
	Group string
	// Options are the choices of a select/multiselect field (label = value).
	Options []string
}

// fieldSet is an instance's contact fields: the 28 defaults of a fresh
// 5.1.0 install followed by the custom ones, in creation order. It is
// immutable; AddField swaps in a copy.
type fieldSet struct {
	defs    []*fieldDef // GET / create / DNC order (by id)
	list    []*fieldDef // list/search order (leads table column order)
	byAlias map[string]*fieldDef
}

var defaultFields = func() *fieldSet {
	fs := &fieldSet{byAlias: map[string]*fieldDef{}}
	for i := range fieldDefs {
		fs.defs = append(fs.defs, &fieldDefs[i])
		fs.byAlias[fieldDefs[i].alias] = &fieldDefs[i]
	}
	for _, a := range listOrder {
		fs.list = append(fs.list, fs.byAlias[a])
	}
	return fs
}()

// with returns a copy of fs with d appended (custom columns go last in
// both orders, as ALTER TABLE ADD appends them).
func (fs *fieldSet) with(d *fieldDef) *fieldSet {
	out := &fieldSet{
		defs:    append(append([]*fieldDef(nil), fs.defs...), d),
		list:    append(append([]*fieldDef(nil), fs.list...), d),
		byAlias: make(map[string]*fieldDef, len(fs.byAlias)+1),
	}
	for k, v := range fs.byAlias {
		out.byAlias[k] = v
	}
	out.byAlias[d.alias] = d
	return out
}

// inOrder returns the GET or the list order.
func (fs *fieldSet) inOrder(list bool) []*fieldDef {
	if list {
		return fs.list
	}
	return fs.defs
}

// known reports whether col (with or without the "l." prefix) is a column.
func (fs *fieldSet) known(col string) bool {
	col = strings.TrimPrefix(col, "l.")
	return col == "id" || fs.byAlias[col] != nil
}

var (
	aliasRE    = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	fieldTypes = map[string]bool{"text": true, "textarea": true, "email": true, "tel": true, "url": true, "date": true,
		"datetime": true, "time": true, "boolean": true, "number": true, "select": true, "multiselect": true,
		"country": true, "region": true, "locale": true, "timezone": true, "lookup": true}
	groups = map[string]bool{"core": true, "social": true, "personal": true, "professional": true}
)

// AddField creates a published custom contact field and returns its id
// (29, 30, ... after the 28 defaults). It then appears in /api/fields/contact,
// in fields.<group> and fields.all of every contact (null until set), and
// can be set like any field through AddContact, POST /contacts/new and
// PATCH/PUT edit. Boolean values are stored "1"/"0" (normalizedValue
// "Yes"/"No"); number values are rendered as JSON numbers.
func (in *Instance) AddField(f Field) (int, error) {
	if f.Type == "" {
		f.Type = "text"
	}
	if f.Group == "" {
		f.Group = "core"
	}
	switch {
	case !aliasRE.MatchString(f.Alias):
		return 0, errors.New("mautictest: field alias must match ^[a-z][a-z0-9_]*$")
	case !fieldTypes[f.Type]:
		return 0, fmt.Errorf("mautictest: unknown field type %q", f.Type)
	case !groups[f.Group]:
		return 0, fmt.Errorf("mautictest: unknown field group %q", f.Group)
	}
	if f.Label == "" {
		f.Label = f.Alias
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	fs := in.fieldSet()
	if fs.byAlias[f.Alias] != nil {
		return 0, fmt.Errorf("mautictest: field %q already exists", f.Alias)
	}
	d := &fieldDef{id: len(fs.defs) + 1, label: f.Label, alias: f.Alias, typ: f.Type, group: f.Group,
		propsJSON: "[]", propsPHP: "a:0:{}"}
	switch f.Type {
	case "boolean":
		d.propsJSON, d.propsPHP = `{"no":"No","yes":"Yes"}`, `a:2:{s:2:"no";s:2:"No";s:3:"yes";s:3:"Yes";}`
	case "select", "multiselect":
		d.propsJSON, d.propsPHP = optionProps(f.Options)
	}
	in.fieldsP.Store(fs.with(d))
	return d.id, nil
}

// optionProps renders {"list":[{"label":o,"value":o},...]} in JSON (the
// create/fields-list form) and PHP-serialized (the GET form).
func optionProps(opts []string) (jsonForm, php string) {
	j := &jw{}
	j.obj().key("list").arr()
	var p strings.Builder
	fmt.Fprintf(&p, `a:1:{s:4:"list";a:%d:{`, len(opts))
	for i, o := range opts {
		j.obj().kv("label", o).kv("value", o).end()
		fmt.Fprintf(&p, `i:%d;a:2:{s:5:"label";%ss:5:"value";%s}`, i, phpStr(o), phpStr(o))
	}
	j.end().end()
	p.WriteString("}}")
	return string(j.b), p.String()
}

// phpStr is PHP serialize() of a string (length in bytes).
func phpStr(s string) string { return "s:" + strconv.Itoa(len(s)) + `:"` + s + `";` }

// fieldSet returns the instance's current fields (lock-free).
func (in *Instance) fieldSet() *fieldSet { return in.fieldsP.Load() }

// storeValue converts a submitted value to the stored (DB) string of field
// d; ok is false when the value is empty (not stored).
func storeValue(d *fieldDef, v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", false
	case bool:
		if d.typ == "boolean" {
			if t {
				return "1", true
			}
			return "0", true
		}
	case []any:
		if d.typ == "multiselect" {
			parts := make([]string, 0, len(t))
			for _, x := range t {
				parts = append(parts, toString(x))
			}
			s := strings.Join(parts, "|")
			return s, s != ""
		}
	}
	s := fmt.Sprint(v)
	if d.typ == "boolean" {
		switch strings.ToLower(s) {
		case "true", "yes":
			s = "1"
		case "false", "no":
			s = "0"
		}
	}
	return s, s != ""
}

// normalized is the normalizedValue Mautic shows for a stored value.
func normalized(d *fieldDef, val string) string {
	if d.typ == "boolean" {
		switch val {
		case "1":
			return "Yes"
		case "0":
			return "No"
		}
	}
	return val
}

// numeric reports whether field d is rendered as a JSON number (custom
// number fields; fixNumbers) and returns the literal.
func numeric(d *fieldDef, val string) (string, bool) {
	if d.typ != "number" || d.id <= len(fieldDefs) {
		return "", false
	}
	if _, err := strconv.ParseInt(val, 10, 64); err == nil {
		return val, true
	}
	if f, err := strconv.ParseFloat(val, 64); err == nil {
		return strconv.FormatFloat(f, 'f', -1, 64), true
	}
	return "", false
}
