package mautictest

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// eventTypes is the "types" map of a 5.1.0 activity answer, in wire order.
var eventTypes = [][2]string{
	{"asset.download", "Asset downloaded"}, {"campaign.event", "Campaign action triggered"},
	{"campaign.event.scheduled", "Campaign event scheduled"}, {"campaign_membership", "Campaign membership change"},
	{"lead.source.created", "Contact created by source"}, {"lead.source.identified", "Contact identified by source"},
	{"lead.donotcontact", "Do not contact"}, {"dynamic.content.sent", "Dynamic Content Triggered"},
	{"email.failed", "Email failed"}, {"email.read", "Email read"}, {"email.replied", "Email replied"},
	{"email.sent", "Email sent"}, {"sms.failed", "Failed"}, {"focus.on_click", "Focus click"},
	{"focus.on_view", "Focus view"}, {"form.submitted", "Form submitted"}, {"lead.imported", "Imported"},
	{"integration_sync_issues", "Integration sync notice"}, {"message.queue", "Message Queue"},
	{"page.hit", "Page hit"}, {"point.gained", "Point gained"}, {"segment_membership", "Segment membership change"},
	{"sms.sent", "Sent"}, {"stage.changed", "Stage changed"}, {"sms_reply", "Text message received"},
	{"lead.utmtagsadded", "UTM tags recorded"}, {"page.videohit", "Video view event"},
}

var typeRank = func() map[string]int {
	m := map[string]int{}
	for i, t := range eventTypes {
		m[t[0]] = i
	}
	return m
}()

// seedTypes are the types SeedEvents cycles through: event i has type
// seedTypes[i%len] and timestamp dateAdded-(i+1)s.
var seedTypes = []string{"page.hit", "email.sent", "email.read", "form.submitted", "point.gained"}

var dncReasons = map[int]string{
	0: "Contact is contactable.", 1: "Contact unsubscribed from this channel.",
	2: "Communication bounced for this channel.", 3: "Contact was manually set as do not contact for this channel.",
}

// evRow is one event of a page, rendered lazily.
type evRow struct {
	ts     time.Time
	rank   int
	seq    int
	render func(*jw)
}

// source is one event type of a contact: count rows, row(j) the j-th newest.
type source struct {
	typ   string
	count int
	row   func(j int) evRow
}

func (in *Instance) sourcesLocked(c *contact) []source {
	srcs := []source{{typ: "lead.source.identified", count: 1, row: func(int) evRow {
		return evRow{ts: c.added, render: func(j *jw) {
			j.obj().kv("event", "lead.source.identified").kv("eventId", "lead.source.identified"+itoa(c.id)).
				kv("eventType", "Contact identified by source").kv("eventLabel", "Contact was identified by Admin User").
				kv("timestamp", phpTime(c.added)).kv("contactId", itoa(c.id)).
				key("details").obj().kv("objectDescription", "Admin User").end().end()
		}}
	}}}
	dncs := append([]*dncEntry(nil), c.dnc...)
	sort.Slice(dncs, func(a, b int) bool {
		return dncs[a].added.After(dncs[b].added) || dncs[a].added.Equal(dncs[b].added) && dncs[a].id > dncs[b].id
	})
	srcs = append(srcs, source{typ: "lead.donotcontact", count: len(dncs), row: func(k int) evRow {
		d := dncs[k]
		return evRow{ts: d.added, render: func(j *jw) {
			j.obj().kv("event", "lead.donotcontact").kv("eventId", "lead.donotcontact"+itoa(d.id)).
				kv("eventLabel", strings.ToUpper(d.channel[:1])+d.channel[1:]).kv("eventType", "Do not contact").
				kv("timestamp", phpTime(d.added)).kv("contactId", itoa(c.id)).
				key("details").obj().key("dnc").obj().kv("id", itoa(d.id)).kv("channel", d.channel).
				kv("date_added", phpTime(d.added)).kv("reason", dncReasons[d.reason]).kv("comments", d.comments).
				end().end().end()
		}}
	}})
	srcs = append(srcs, source{typ: "lead.utmtagsadded", count: len(c.utm), row: func(k int) evRow {
		u := c.utm[len(c.utm)-1-k]
		return evRow{ts: u.Added, render: func(j *jw) { renderUTMEvent(j, c.id, u) }}
	}})
	n := len(seedTypes)
	for ti, typ := range seedTypes {
		cnt := 0
		if c.seeded > ti {
			cnt = (c.seeded - ti + n - 1) / n
		}
		ti, typ := ti, typ
		srcs = append(srcs, source{typ: typ, count: cnt, row: func(k int) evRow {
			i := ti + n*k
			ts := c.added.Add(-time.Duration(i+1) * time.Second)
			return evRow{ts: ts, render: func(j *jw) { in.renderSeeded(j, c, typ, int64(k+1), ts) }}
		}})
	}
	return srcs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// activity is GET /contacts/{id}/activity: limit applies per event type.
func (in *Instance) activity(w http.ResponseWriter, r *http.Request, id int64) {
	q := r.URL.Query()
	limit := 25
	if s, ok := q["limit"]; ok {
		n, err := strconv.Atoi(strings.TrimSpace(s[0]))
		if err != nil || n <= 0 {
			writeException(w, http.StatusInternalServerError)
			return
		}
		limit = n
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	incl, excl := filterList(q, "includeEvents"), filterList(q, "excludeEvents")
	order := []string{"timestamp", "DESC"}
	if v := q.Get("order[0]"); v != "" {
		order[0] = v
	}
	if v := q.Get("order[1]"); v != "" {
		order[1] = v
	}
	asc := strings.EqualFold(order[1], "ASC")

	in.mu.Lock()
	c := in.contacts[id]
	if c == nil {
		in.mu.Unlock()
		writeNotFound(w)
		return
	}
	var rows []evRow
	total, maxCount := 0, 0
	for _, s := range in.sourcesLocked(c) {
		if s.count == 0 || (len(incl) > 0 && !contains(incl, s.typ)) || contains(excl, s.typ) {
			continue
		}
		total += s.count
		maxCount = max(maxCount, s.count)
		for k := (page - 1) * limit; k < s.count && k < page*limit; k++ {
			row := s.row(k)
			row.rank, row.seq = typeRank[s.typ], k
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(a, b int) bool {
		ra, rb := rows[a], rows[b]
		if !ra.ts.Equal(rb.ts) {
			return ra.ts.After(rb.ts) != asc
		}
		if ra.rank != rb.rank {
			return ra.rank < rb.rank
		}
		return ra.seq < rb.seq
	})
	j := &jw{}
	j.obj().key("events").arr()
	for _, row := range rows {
		row.render(j)
	}
	j.end()
	in.mu.Unlock()

	renderFilters(j, r.URL.RawQuery, q, incl, excl)
	j.key("order").arr().str(order[0]).str(order[1]).end()
	j.key("types").obj()
	for _, t := range eventTypes {
		j.kv(t[0], t[1])
	}
	j.end()
	j.key("total").int(int64(total)).key("page").int(int64(page)).key("limit").int(int64(limit))
	if maxCount == 0 {
		j.key("maxPages").int(1)
	} else {
		j.key("maxPages").float1(int64((maxCount + limit - 1) / limit))
	}
	j.end()
	writeController(w, http.StatusOK, j.b)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// filterList collects filters[name][] / filters[name][i] values.
func filterList(q url.Values, name string) []string {
	var out []string
	prefix := "filters[" + name + "]"
	keys := make([]string, 0)
	for k := range q {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, q[k]...)
	}
	return out
}

// renderFilters echoes the filters in the order they were sent, with the
// missing defaults (search, includeEvents, excludeEvents) appended.
func renderFilters(j *jw, rawQuery string, q url.Values, incl, excl []string) {
	var seen []string
	for _, part := range strings.Split(rawQuery, "&") {
		k, _, _ := strings.Cut(part, "=")
		k, err := url.QueryUnescape(k)
		if err != nil {
			continue
		}
		rest, ok := strings.CutPrefix(k, "filters[")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, "]")
		if !contains(seen, name) {
			seen = append(seen, name)
		}
	}
	for _, d := range []string{"search", "includeEvents", "excludeEvents"} {
		if !contains(seen, d) {
			seen = append(seen, d)
		}
	}
	j.key("filters").obj()
	for _, name := range seen {
		j.key(name)
		switch name {
		case "includeEvents", "excludeEvents":
			list := incl
			if name == "excludeEvents" {
				list = excl
			}
			j.arr()
			for _, s := range list {
				j.str(s)
			}
			j.end()
		default:
			j.str(q.Get("filters[" + name + "]"))
		}
	}
	j.end()
}

// EventCount returns how many activity events contact id has: the
// lead.source.identified event, one lead.donotcontact per DNC entry, one
// lead.utmtagsadded per UTM tag and the SeedEvents ones; 0 for an unknown
// contact. It is what walking every activity page must yield.
func (in *Instance) EventCount(id int64) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return 0
	}
	n := 0
	for _, s := range in.sourcesLocked(c) {
		n += s.count
	}
	return n
}
