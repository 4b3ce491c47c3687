package mautictest

import (
	"strconv"
	"time"
)

// view selects one of the contact serializations Mautic 5.1.0 uses.
type view int

const (
	viewGet    view = iota // GET, list, edit, merge, delete: entity groups, nulls kept
	viewCreate             // 201 create: int field ids, decoded properties
	viewDNC                // DNC add/remove: no groups, nulls dropped
)

type renderOpts struct {
	view    view
	list    bool      // list/search column order
	minimal bool      // minimal=true: stop after "fields"
	deleted bool      // DELETE answer: ids null
	fs      *fieldSet // the instance's fields; nil means the defaults
}

func (o renderOpts) fields() *fieldSet {
	if o.fs == nil {
		return defaultFields
	}
	return o.fs
}

func phpTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05+00:00") }

// renderContact writes c as a contact object.
func renderContact(w *jw, c *contact, o renderOpts) {
	dnc := o.view == viewDNC
	w.obj()
	w.key("isPublished").bool(true)
	w.kv("dateAdded", phpTime(c.added))
	if !c.modified.IsZero() {
		w.kv("dateModified", phpTime(c.modified))
	} else if !dnc {
		w.key("dateModified").null()
	}
	if c.createdBy {
		w.key("createdBy").int(1)
	} else if !dnc {
		w.key("createdBy").null()
	}
	w.kv("createdByUser", c.createdByUser)
	if c.modifiedBy {
		w.key("modifiedBy").int(1).kv("modifiedByUser", "Admin User")
	} else if !dnc {
		w.key("modifiedBy").null().key("modifiedByUser").null()
	}
	if o.deleted {
		w.key("id").null()
	} else {
		w.key("id").int(c.id)
	}
	w.key("points").int(c.points)
	if dnc {
		if c.color != "" {
			w.kv("color", c.color)
		}
		for _, d := range o.fields().defs {
			if v, ok := c.values[d.alias]; ok {
				if lit, isNum := numeric(d, v); isNum {
					w.key(d.alias).raw(lit)
				} else {
					w.kv(d.alias, v)
				}
			}
		}
	} else {
		w.key("color").strOrNull(c.color, c.color != "")
	}
	renderFields(w, c, o)
	if o.minimal {
		w.end()
		return
	}
	renderExtras(w, c, o)
	_, identified := c.values["email"]
	if identified {
		w.kv("dateIdentified", phpTime(c.added))
	} else if !dnc {
		w.key("dateIdentified").null()
	}
	if c.profileImage != "" {
		w.kv("preferredProfileImage", c.profileImage)
	} else if !dnc {
		w.key("preferredProfileImage").null()
	}
	w.key("doNotContact").arr()
	for _, d := range c.dnc {
		w.obj()
		if o.deleted {
			w.key("id").null()
		} else {
			w.key("id").int(d.id)
		}
		if dnc {
			w.kv("dateAdded", phpTime(d.added))
		}
		w.key("reason").int(int64(d.reason)).kv("comments", d.comments).kv("channel", d.channel)
		if !dnc {
			w.key("channelId").null()
		}
		w.end()
	}
	w.end()
	w.key("frequencyRules").arr().end()
	w.end()
}

// renderFields writes "fields": the groups (and "all" except in the DNC view).
func renderFields(w *jw, c *contact, o renderOpts) {
	defs := o.fields().inOrder(o.list)
	w.key("fields").obj()
	for _, g := range fieldGroups {
		w.key(g)
		n := 0
		for _, d := range defs {
			if d.group != g {
				continue
			}
			if n == 0 {
				w.obj()
			}
			n++
			w.key(d.alias)
			renderFieldEntry(w, c, d, o.view)
		}
		if n == 0 {
			w.arr().end()
		} else {
			w.end()
		}
	}
	if o.view != viewDNC {
		w.key("all").obj()
		if o.deleted {
			w.key("id").null()
		} else {
			w.kv("id", strconv.FormatInt(c.id, 10))
		}
		for _, d := range defs {
			w.key(d.alias)
			if d.alias == "points" {
				w.int(c.points)
				continue
			}
			v, ok := c.values[d.alias]
			if lit, isNum := numeric(d, v); ok && isNum {
				w.raw(lit)
				continue
			}
			w.strOrNull(v, ok)
		}
		w.end()
	}
	w.end()
}

func renderFieldEntry(w *jw, c *contact, d *fieldDef, v view) {
	val, ok := c.values[d.alias]
	w.obj()
	if v == viewCreate {
		w.key("id").int(int64(d.id)).kv("group", d.group).kv("label", d.label).kv("alias", d.alias).kv("type", d.typ)
		w.key("properties").raw(d.propsJSON)
		lit, isNum := numeric(d, val)
		switch {
		case d.alias == "points": // create answers carry the unsaved (null) points
			w.key("value").null().kv("normalizedValue", "")
		case ok && isNum:
			w.key("value").raw(lit).key("normalizedValue").raw(lit)
		default:
			w.key("value").strOrNull(val, ok).kv("normalizedValue", normalized(d, val))
		}
		w.end()
		return
	}
	fixed := "0"
	if d.fixed {
		fixed = "1"
	}
	w.kv("id", strconv.Itoa(d.id)).kv("label", d.label).kv("alias", d.alias).kv("type", d.typ).kv("group", d.group)
	w.kv("object", "lead").kv("is_fixed", fixed).kv("properties", d.propsPHP)
	if d.defaultValue != nil {
		w.kv("default_value", *d.defaultValue)
	} else if v != viewDNC {
		w.key("default_value").null()
	}
	switch {
	case d.alias == "points" && v == viewDNC:
		w.key("value").float1(c.points).key("normalizedValue").float1(c.points)
	case d.alias == "points":
		w.key("value").int(c.points).key("normalizedValue").int(c.points)
	case ok:
		if lit, isNum := numeric(d, val); isNum {
			w.key("value").raw(lit).key("normalizedValue").raw(lit)
		} else {
			w.kv("value", val).kv("normalizedValue", normalized(d, val))
		}
	default:
		if v != viewDNC {
			w.key("value").null()
		}
		w.kv("normalizedValue", "")
	}
	w.end()
}

// contactBody renders {"contact":{...}}.
func contactBody(c *contact, o renderOpts) []byte {
	w := &jw{}
	w.obj().key("contact")
	renderContact(w, c, o)
	w.end()
	return w.b
}
