package mautictest

import (
	"strconv"
	"strings"
)

// searchTerm is one "command:value" (or bare) term of Mautic's search string.
type searchTerm struct {
	neg, strict bool
	cmd, val    string
}

// parseSearch splits on spaces outside double quotes; terms are ANDed.
func parseSearch(s string) []searchTerm {
	var (
		out   []searchTerm
		cur   strings.Builder
		inQ   bool
		flush = func() {
			if t := cur.String(); t != "" {
				out = append(out, newTerm(t))
			}
			cur.Reset()
		}
	)
	for _, r := range s {
		switch {
		case r == '"':
			inQ = !inQ
			cur.WriteRune(r)
		case r == ' ' && !inQ:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return out
}

func newTerm(t string) searchTerm {
	st := searchTerm{}
	if strings.HasPrefix(t, "!") {
		st.neg, t = true, t[1:]
	}
	if cmd, val, ok := strings.Cut(t, ":"); ok && cmd != "" && !strings.Contains(cmd, "\"") {
		st.cmd, t = strings.ToLower(cmd), val
	}
	if strings.HasPrefix(t, "+") {
		st.strict, t = true, t[1:]
	}
	st.val = strings.ToLower(strings.Trim(t, `"`))
	return st
}

var catchAll = []string{"firstname", "lastname", "email", "company", "city", "state", "zipcode", "country",
	"facebook", "foursquare", "instagram", "linkedin", "skype", "twitter"}

// match is the SQL the term compiles to: "alias LIKE 'val%'" for field
// commands (case-insensitive, _ and % live), id lists for "ids", and a
// '%val%' catch-all over name/email/company/address/social fields.
func (t searchTerm) match(c *contact, fs *fieldSet) bool {
	switch {
	case t.cmd == "ids":
		for _, x := range strings.Split(t.val, ",") {
			if id, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil && id == c.id {
				return true
			}
		}
		return false
	case t.cmd != "" && fs.byAlias[t.cmd] != nil:
		pat := t.val
		if !t.strict {
			pat += "%"
		}
		v, ok := c.column(t.cmd)
		return ok && like(v, pat)
	}
	val := t.val
	if t.cmd != "" {
		val = t.cmd + ":" + t.val
	}
	for _, a := range catchAll {
		if v, ok := c.values[a]; ok && like(v, "%"+val+"%") {
			return true
		}
	}
	return false
}
