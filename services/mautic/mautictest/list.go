package mautictest

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

func parseQuery(s string) (url.Values, error) { return url.ParseQuery(s) }

type whereClause struct{ col, expr, val string }

// parseWhere reads where[i][col|expr|val]; ok is false when a clause lacks
// col or expr, or uses an unknown expression or column (Mautic: 500).
func parseWhere(q url.Values, fs *fieldSet) ([]whereClause, bool) {
	byIdx := map[string]*whereClause{}
	var order []string
	for k, v := range q {
		rest, found := strings.CutPrefix(k, "where[")
		if !found {
			continue
		}
		idx, part, found := strings.Cut(rest, "][")
		if !found {
			return nil, false
		}
		part = strings.TrimSuffix(part, "]")
		wc := byIdx[idx]
		if wc == nil {
			wc = &whereClause{}
			byIdx[idx] = wc
			order = append(order, idx)
		}
		switch part {
		case "col":
			wc.col = v[0]
		case "expr":
			wc.expr = v[0]
		case "val":
			wc.val = v[0]
		}
	}
	sort.Strings(order)
	out := make([]whereClause, 0, len(order))
	for _, i := range order {
		wc := byIdx[i]
		if wc.col == "" || wc.expr == "" || !fs.known(wc.col) {
			return nil, false
		}
		switch wc.expr {
		case "eq", "neq", "like", "notLike", "isNull", "isNotNull", "in", "notIn":
		default:
			return nil, false
		}
		out = append(out, *wc)
	}
	return out, true
}

func (c *contact) column(col string) (string, bool) {
	col = strings.TrimPrefix(col, "l.")
	switch col {
	case "id":
		return strconv.FormatInt(c.id, 10), true
	case "points":
		return strconv.FormatInt(c.points, 10), true
	}
	v, ok := c.values[col]
	return v, ok
}

func (wc whereClause) match(c *contact) bool {
	v, ok := c.column(wc.col)
	switch wc.expr {
	case "eq":
		return ok && strings.EqualFold(v, wc.val)
	case "neq":
		return ok && !strings.EqualFold(v, wc.val)
	case "like":
		return ok && like(v, wc.val)
	case "notLike":
		return ok && !like(v, wc.val)
	case "isNull":
		return !ok
	case "isNotNull":
		return ok
	case "in", "notIn":
		hit := false
		for _, x := range strings.Split(wc.val, ",") {
			if ok && strings.EqualFold(v, strings.Trim(strings.TrimSpace(x), `"'`)) {
				hit = true
			}
		}
		return hit == (wc.expr == "in")
	}
	return false
}

// like is MySQL's case-insensitive LIKE with live % and _ wildcards.
func like(s, pattern string) bool {
	return likeRunes([]rune(strings.ToLower(s)), []rune(strings.ToLower(pattern)))
}

func likeRunes(s, p []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if likeRunes(s[i:], p) {
					return true
				}
			}
			return false
		case '_':
			if len(s) == 0 {
				return false
			}
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
		}
		s, p = s[1:], p[1:]
	}
	return len(s) == 0
}

// list is GET /contacts: search, where, ordering and start/limit paging.
func (in *Instance) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fs := in.fieldSet()
	wheres, ok := parseWhere(q, fs)
	if !ok {
		writeException(w, http.StatusInternalServerError)
		return
	}
	terms := parseSearch(q.Get("search"))
	start, badStart := intParam(q, "start", 0)
	limit, badLimit := intParam(q, "limit", 30)
	orderBy := strings.TrimPrefix(q.Get("orderBy"), "l.")
	badOrder := orderBy != "" && !fs.known(orderBy) && orderBy != "date_added"
	desc := strings.EqualFold(q.Get("orderByDir"), "DESC")
	minimal := q.Get("minimal") != "" && q.Get("minimal") != "0"

	in.mu.Lock()
	defer in.mu.Unlock()
	var rows []*contact
	for _, c := range in.contacts {
		if matchAll(c, fs, wheres, terms) {
			rows = append(rows, c)
		}
	}
	if len(rows) > 0 && (badStart || badLimit || badOrder) {
		writeException(w, http.StatusInternalServerError)
		return
	}
	sortContacts(rows, orderBy, desc)
	total := len(rows)
	if start > len(rows) {
		start = len(rows)
	}
	rows = rows[start:]
	if limit > 0 && limit < len(rows) {
		rows = rows[:limit]
	}
	j := &jw{}
	j.obj().kv("total", strconv.Itoa(total)).key("contacts").obj()
	for _, c := range rows {
		j.key(strconv.FormatInt(c.id, 10))
		renderContact(j, c, renderOpts{view: viewGet, list: true, minimal: minimal, fs: fs})
	}
	j.end().end()
	writeController(w, http.StatusOK, j.b)
}

func intParam(q url.Values, name string, def int) (int, bool) {
	s, present := q[name]
	if !present {
		return def, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(s[0]))
	if err != nil || n < 0 {
		return def, true
	}
	return n, false
}

func sortContacts(rows []*contact, orderBy string, desc bool) {
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if orderBy != "" && orderBy != "id" {
			va, _ := a.column(orderBy)
			vb, _ := b.column(orderBy)
			if orderBy == "date_added" {
				va, vb = phpTime(a.added), phpTime(b.added)
			}
			if va != vb {
				return (va < vb) != desc
			}
			return a.id < b.id
		}
		if orderBy == "id" && desc {
			return a.id > b.id
		}
		return a.id < b.id
	})
}

func matchAll(c *contact, fs *fieldSet, wheres []whereClause, terms []searchTerm) bool {
	for _, wc := range wheres {
		if !wc.match(c) {
			return false
		}
	}
	for _, t := range terms {
		if t.match(c, fs) == t.neg {
			return false
		}
	}
	return true
}
