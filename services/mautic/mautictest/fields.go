package mautictest

import (
	"net/http"
	"strconv"
)

// fields is GET /fields/contact: {"total":N,"fields":{"<id>":{...}}} with
// LeadField's API metadata, keyed by field id (an array would be [] empty).
func (in *Instance) fields(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, _ := intParam(q, "start", 0)
	limit, _ := intParam(q, "limit", 30)
	defs := in.fieldSet().defs
	total := len(defs)
	if start > len(defs) {
		start = len(defs)
	}
	defs = defs[start:]
	if limit > 0 && limit < len(defs) {
		defs = defs[:limit]
	}
	j := &jw{}
	j.obj().key("total").int(int64(total)).key("fields")
	if len(defs) == 0 {
		j.arr().end()
	} else {
		j.obj()
		for i, d := range defs {
			j.key(strconv.Itoa(d.id)).obj().key("isPublished").bool(true).
				kv("dateAdded", "2026-11-22T22:50:00+00:00").key("dateModified").null().
				key("createdBy").null().key("createdByUser").null().key("modifiedBy").null().key("modifiedByUser").null().
				key("id").int(int64(d.id)).kv("label", d.label).kv("alias", d.alias).kv("type", d.typ).
				kv("group", d.group).key("order").int(int64(start+i+1)).kv("object", "lead")
			if d.defaultValue != nil {
				j.kv("defaultValue", *d.defaultValue)
			} else {
				j.key("defaultValue").null()
			}
			j.key("isRequired").bool(false).key("isFixed").bool(d.fixed).key("isListable").bool(true).
				key("isVisible").bool(true).key("isShortVisible").bool(false).
				key("isUniqueIdentifier").bool(d.alias == "email").key("isPubliclyUpdatable").bool(false).
				key("properties").raw(d.propsJSON).end()
		}
		j.end()
	}
	j.end()
	writeController(w, http.StatusOK, j.b)
}
