package mautictest

import (
	"fmt"
	"time"
)

// renderSeeded writes one synthetic event of type typ; k is its 1-based
// row within the type, used to derive stable ids.
func (in *Instance) renderSeeded(j *jw, cid int64, email, typ string, k int64, ts time.Time) {
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
			kv("referer", host+"/contact").key("results").obj().kv("email", email).
			kv("message", fmt.Sprintf("Message %d", k)).end().end().
			key("form").obj().key("id").int(1).kv("name", "Contact form").end().key("page").null().end().end()
	default: // point.gained
		j.obj().kv("event", typ).kv("eventId", typ+itoa(uid)).kv("eventLabel", "Page visit").
			kv("eventType", "Point gained").kv("timestamp", t).kv("contactId", itoa(cid)).
			key("details").obj().key("log").obj().kv("eventName", "Page visit").kv("actionName", "Visited page").
			kv("dateAdded", t).kv("type", "page").kv("delta", "1").kv("id", itoa(uid)).end().end().end()
	}
}
