package mautictest

import "sort"

// renderExtras writes lastActive, owner, ipAddresses, tags, utmtags and
// stage in the contact's wire order. The GET view keeps nulls; the DNC
// (group-less) view drops them. Shapes [SRC Lead/Tag/IpAddress/UtmTag/
// Stage loadApiMetadata, README corrections]: tags and ipAddresses are
// JSON lists.
func renderExtras(w *jw, c *contact, o renderOpts) {
	dnc := o.view == viewDNC
	if !c.lastActive.IsZero() {
		w.kv("lastActive", phpTime(c.lastActive))
	} else if !dnc {
		w.key("lastActive").null()
	}
	if c.owner != nil {
		w.key("owner").obj().key("id").int(c.owner.ID).kv("username", c.owner.Username).
			kv("firstName", c.owner.FirstName).kv("lastName", c.owner.LastName).end()
	} else if !dnc {
		w.key("owner").null()
	}
	w.key("ipAddresses").arr()
	for _, ip := range c.ips {
		w.obj().key("id").int(ip.id).kv("ipAddress", ip.name).key("ipDetails").obj()
		for _, k := range []string{"city", "region", "country", "latitude", "longitude", "isp", "organization", "timezone"} {
			w.kv(k, "")
		}
		w.end().end()
	}
	w.end()
	w.key("tags").arr()
	for _, t := range c.tags {
		w.obj().key("id").int(t.id).kv("tag", t.name)
		if !dnc {
			w.key("description").null()
		}
		w.end()
	}
	w.end()
	switch {
	case len(c.utm) == 0 && o.view == viewCreate:
		w.key("utmtags").null()
	default:
		w.key("utmtags").arr()
		for _, u := range c.utm {
			renderUTM(w, u, dnc)
		}
		w.end()
	}
	if c.stage != nil {
		s := c.stage
		w.key("stage").obj().key("id").int(s.ID).kv("name", s.Name)
		if !dnc {
			w.key("category").null()
		}
		w.key("weight").int(int64(s.Weight))
		if s.Description != "" {
			w.kv("description", s.Description)
		} else if !dnc {
			w.key("description").null()
		}
		w.end()
	} else if !dnc {
		w.key("stage").null()
	}
}

// renderUTM writes one utmtags entry (utmtagsList properties; the lead
// back-reference is not serialized).
func renderUTM(w *jw, u utmRow, dropNull bool) {
	w.obj().key("id").int(u.id)
	w.key("query")
	renderQuery(w, u.Query)
	for _, kv := range [][2]string{
		{"referer", u.Referer}, {"remoteHost", u.RemoteHost}, {"url", u.URL}, {"userAgent", u.UserAgent},
		{"utmCampaign", u.Campaign}, {"utmContent", u.Content}, {"utmMedium", u.Medium},
		{"utmSource", u.Source}, {"utmTerm", u.Term},
	} {
		if kv[1] != "" {
			w.kv(kv[0], kv[1])
		} else if !dropNull {
			w.key(kv[0]).null()
		}
	}
	w.end()
}

// renderQuery writes a PHP array: [] when empty, else an object (keys sorted).
func renderQuery(w *jw, q map[string]string) {
	if len(q) == 0 {
		w.arr().end()
		return
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	w.obj()
	for _, k := range keys {
		w.kv(k, q[k])
	}
	w.end()
}
