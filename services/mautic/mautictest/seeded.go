package mautictest

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// renderSeeded writes one synthetic event of type typ; k is its 1-based
// row within the type, used to derive stable ids. Details follow the 5.x
// listeners (API.md §5.9): page.hit carries hit{url, urlTitle, userAgent,
// device...}, email.sent/read stat{email_id, subject, dateSent, dateRead,
// isRead...}, form.submitted submission{results{email, firstname,
// message}} and form, point.gained log{eventName, actionName, delta...}.
func (in *Instance) renderSeeded(j *jw, c *contact, typ string, k int64, ts time.Time) {
	cid, email := c.id, c.values["email"]
	uid := cid*10_000_000 + k
	host := fmt.Sprintf("https://instance-%d.example", in.n)
	t := phpTime(ts)
	switch typ {
	case "page.hit":
		title := fmt.Sprintf("Page %d", k%50)
		u := fmt.Sprintf("%s/page/%d", host, k%50)
		j.obj().kv("event", typ).key("eventId").int(uid).
			key("eventLabel").obj().kv("label", title).kv("href", u).key("isExternal").bool(true).end().
			kv("eventType", "Page hit").kv("timestamp", t).kv("contactId", itoa(cid)).
			key("details").obj().key("hit").obj().kv("hitId", itoa(uid)).key("page_id").null().
			kv("userAgent", "Mozilla/5.0 (X11; Linux x86_64)").kv("dateHit", t).key("dateLeft").null().
			key("referer").null().key("source").null().key("sourceId").null().kv("url", u).kv("urlTitle", title).
			key("query").obj().kv("page_title", title).end().kv("clientInfo", "").kv("device", "desktop").
			kv("deviceOsName", "Ubuntu").kv("deviceBrand", "").kv("deviceModel", "").end().end().end()
	case "email.sent", "email.read":
		subj := fmt.Sprintf("Newsletter %d", k%12)
		read, kind, label := "0", "sent", "Email sent"
		if typ == "email.read" {
			read, kind, label = "1", "read", "Email read"
		}
		j.obj().kv("event", typ).kv("eventId", typ+itoa(uid)).kv("eventLabel", subj).kv("eventType", label).
			kv("timestamp", t).kv("contactId", itoa(cid)).key("details").obj().key("stat").obj().
			kv("email_id", itoa(k%12+1)).kv("id", itoa(uid)).key("dateRead").strOrNull(t, kind == "read")
		j.kv("dateSent", t).kv("subject", subj).kv("email_name", subj).kv("isRead", read).kv("isFailed", "0").
			kv("viewedInBrowser", "0").kv("retryCount", "0").key("list_id").null().key("list_name").null().
			kv("idHash", fmt.Sprintf("%x", uid)).key("openDetails").arr().end().kv("storedSubject", subj).end().
			kv("type", kind).end().end()
	case "form.submitted":
		j.obj().kv("event", typ).kv("eventId", typ+itoa(uid)).
			key("eventLabel").obj().kv("label", "Contact form").kv("href", host+"/s/forms/view/1").end().
			kv("eventType", "Form submitted").kv("timestamp", t).kv("contactId", itoa(cid)).
			key("details").obj().key("submission").obj().key("id").int(uid).kv("dateSubmitted", t).
			kv("referer", host+"/contact").key("results").obj().kv("email", email)
		if fn, ok := c.values["firstname"]; ok {
			j.kv("firstname", fn)
		}
		j.kv("message", fmt.Sprintf("Message %d", k)).end().end().
			key("form").obj().key("id").int(1).kv("name", "Contact form").end().key("page").null().end().end()
	default: // point.gained
		j.obj().kv("event", typ).kv("eventId", typ+itoa(uid)).kv("eventLabel", "Page visit").
			kv("eventType", "Point gained").kv("timestamp", t).kv("contactId", itoa(cid)).
			key("details").obj().key("log").obj().kv("eventName", "Page visit").kv("actionName", "Visited page").
			kv("dateAdded", t).kv("type", "page").kv("delta", "1").kv("id", itoa(uid)).end().end().end()
	}
}

// renderUTMEvent writes a lead.utmtagsadded event; details.utmtags is the
// raw lead_utmtags row (snake_case columns, query PHP-serialized) [INF
// LeadSubscriber timeline].
func renderUTMEvent(j *jw, cid int64, u utmRow) {
	label := u.Campaign
	if label == "" {
		label = "UTM tags recorded"
	}
	t := phpTime(u.Added)
	j.obj().kv("event", "lead.utmtagsadded").kv("eventId", "lead.utmtagsadded"+itoa(u.id)).
		kv("eventType", "UTM tags recorded").kv("eventLabel", label).kv("timestamp", t).kv("contactId", itoa(cid)).
		key("details").obj().key("utmtags").obj().kv("id", itoa(u.id)).kv("lead_id", itoa(cid)).
		kv("date_added", mysqlTime(u.Added)).kv("query", phpMap(u.Query))
	for _, kv := range [][2]string{
		{"referer", u.Referer}, {"remote_host", u.RemoteHost}, {"url", u.URL}, {"user_agent", u.UserAgent},
		{"utm_campaign", u.Campaign}, {"utm_content", u.Content}, {"utm_medium", u.Medium},
		{"utm_source", u.Source}, {"utm_term", u.Term},
	} {
		j.key(kv[0]).strOrNull(kv[1], kv[1] != "")
	}
	j.end().end().end()
}

// phpMap is PHP serialize() of a string map (keys sorted).
func phpMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	fmt.Fprintf(&b, "a:%d:{", len(keys))
	for _, k := range keys {
		b.WriteString(phpStr(k) + phpStr(m[k]))
	}
	b.WriteString("}")
	return b.String()
}
