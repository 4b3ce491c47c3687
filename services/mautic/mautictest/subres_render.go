package mautictest

import (
	"net/http"
	"sort"
	"strconv"
	"time"
)

// subResource answers GET /contacts/{id}/{notes|devices|companies|segments|
// campaigns} (key is the answer's list key; segments answer "lists"), 404
// for an unknown contact. Shapes follow API.md §5.10 [SRC LeadApiController]:
//   - notes, devices: arrays, newest first, paged by start/limit with
//     limit defaulting to default_pagelimit (30); total counts them all;
//   - companies: an array of raw DB rows (every value a string or null);
//   - segments ("lists"), campaigns: objects keyed by id, [] when empty.
func (in *Instance) subResource(w http.ResponseWriter, r *http.Request, id int64, key string) {
	in.mu.Lock()
	c := in.contacts[id]
	if c == nil {
		in.mu.Unlock()
		writeNotFound(w)
		return
	}
	j := &jw{}
	switch key {
	case "notes":
		start, limit := pageParams(r)
		j.obj().key("total").int(int64(len(c.notes))).key("notes").arr()
		for _, k := range page(len(c.notes), start, limit) {
			n := c.notes[k]
			j.obj().key("id").int(n.id).kv("text", n.Text).kv("type", n.Type).kv("dateTime", phpTime(n.DateTime)).end()
		}
		j.end().end()
	case "devices":
		start, limit := pageParams(r)
		j.obj().key("total").int(int64(len(c.devices))).key("devices").arr()
		for _, k := range page(len(c.devices), start, limit) {
			renderDevice(j, c.devices[k])
		}
		j.end().end()
	case "companies":
		j.obj().key("total").int(int64(len(c.companies))).key("companies").arr()
		for _, l := range c.companies {
			renderCompanyRow(j, l)
		}
		j.end().end()
	case "lists":
		j.obj().key("total").int(int64(len(c.segments))).key("lists")
		in.renderMembers(j, c.segments, true)
		j.end()
	default: // campaigns
		j.obj().key("total").int(int64(len(c.campaigns))).key("campaigns")
		in.renderMembers(j, c.campaigns, false)
		j.end()
	}
	in.mu.Unlock()
	writeController(w, http.StatusOK, j.b)
}

// pageParams reads start (default 0) and limit (default 30; 0 = all).
func pageParams(r *http.Request) (start, limit int) {
	q := r.URL.Query()
	start, _ = intParam(q, "start", 0)
	limit, _ = intParam(q, "limit", 30)
	return start, limit
}

// page returns the row indexes of a newest-first page over n rows stored
// oldest first.
func page(n, start, limit int) []int {
	var out []int
	for k := n - 1 - start; k >= 0 && (limit == 0 || len(out) < limit); k-- {
		out = append(out, k)
	}
	return out
}

func renderDevice(j *jw, d deviceRow) {
	j.obj().key("id").int(d.id).key("lead").arr().end().key("clientInfo")
	if d.ClientType == "" && d.ClientName == "" {
		j.arr().end()
	} else {
		j.obj().kv("type", d.ClientType).kv("name", d.ClientName).kv("short_name", "").
			kv("version", d.ClientVersion).kv("engine", d.Engine).kv("engine_version", "").end()
	}
	j.kv("device", d.Type).kv("deviceBrand", d.Brand).kv("deviceModel", d.Model).
		kv("deviceOsName", d.OSName).kv("deviceOsShortName", d.OSShortName).
		kv("deviceOsVersion", d.OSVersion).kv("deviceOsPlatform", d.OSPlatform).end()
}

// renderCompanyRow writes cl.company_id, cl.date_added AS date_associated,
// cl.is_primary and comp.* (column order of the companies table) [INF].
func renderCompanyRow(j *jw, l companyLink) {
	co := l.co
	id := strconv.FormatInt(co.id, 10)
	primary := "0"
	if l.primary {
		primary = "1"
	}
	opt := func(k, v string) { j.key(k).strOrNull(v, v != "") }
	j.obj().kv("company_id", id).kv("date_associated", mysqlTime(l.added)).kv("is_primary", primary).kv("id", id)
	j.key("owner_id").null().kv("is_published", "1").kv("date_added", mysqlTime(co.added)).
		kv("created_by", "1").kv("created_by_user", "Admin User").key("date_modified").null().
		key("modified_by").null().key("modified_by_user").null().key("checked_out").null().
		key("checked_out_by").null().key("checked_out_by_user").null().key("social_cache").null().kv("score", "0")
	opt("companyemail", co.Email)
	opt("companyaddress1", co.Address1)
	j.key("companyaddress2").null()
	opt("companyphone", co.Phone)
	opt("companycity", co.City)
	opt("companystate", co.State)
	opt("companyzipcode", co.Zipcode)
	opt("companycountry", co.Country)
	j.kv("companyname", co.Name)
	opt("companywebsite", co.Website)
	opt("companyindustry", co.Industry)
	j.key("companydescription").null().key("companynumber_of_employees").null().
		key("companyfax").null().key("companyannual_revenue").null().end()
}

// renderMembers writes segment or campaign memberships keyed by id in id
// order, [] when empty.
func (in *Instance) renderMembers(j *jw, list []memberLink, segments bool) {
	if len(list) == 0 {
		j.arr().end()
		return
	}
	sorted := append([]memberLink(nil), list...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].id < sorted[b].id })
	j.obj()
	for _, m := range sorted {
		j.key(strconv.FormatInt(m.id, 10)).obj().key("id").int(m.id)
		if segments {
			s := in.reg.segByID[m.id]
			j.kv("name", s.Name).kv("alias", s.Alias).kv("dateAdded", phpTime(m.added)).
				key("manuallyAdded").bool(false).key("manuallyRemoved").bool(false).end()
			continue
		}
		cp := in.reg.campByID[m.id]
		j.kv("name", cp.name).kv("dateAdded", phpTime(m.added)).
			key("manuallyRemoved").bool(false).key("manuallyAdded").bool(false)
		if len(cp.segments) > 0 {
			j.key("listMembership").arr()
			for _, s := range cp.segments {
				j.int(s)
			}
			j.end()
		}
		j.end()
	}
	j.end()
}

// mysqlTime is MySQL's DATETIME text ("2016-12-27 15:03:43", UTC).
func mysqlTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") }
