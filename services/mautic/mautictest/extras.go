package mautictest

import (
	"strings"
	"time"
)

// Extras are the parts of a contact that are not profile fields: what
// Mautic answers in the contact's lastActive, owner, ipAddresses, tags,
// utmtags, stage, color and preferredProfileImage members, plus its points.
// Read them with ContactExtras and replace them with SetContactExtras.
type Extras struct {
	// Tags are tag names in the order added (shared tag rows per instance).
	Tags []string
	// IPAddresses are the contact's IPs in the order seen.
	IPAddresses []string
	// UTMTags are the recorded UTM tag sets, oldest first; each also shows
	// up in the activity timeline as a lead.utmtagsadded event.
	UTMTags []UTMTag
	// Points is the contact's points (fields.all.points too).
	Points int
	// Stage is nil for none.
	Stage *Stage
	// Owner is nil for none.
	Owner *Owner
	// LastActive is zero for null; it also sets the last_active field.
	LastActive time.Time
	// Color ("ab5959") and PreferredProfileImage ("gravatar"); "" is null.
	Color, PreferredProfileImage string
}

// UTMTag is one row of lead_utmtags.
type UTMTag struct {
	Campaign, Source, Medium, Content, Term string
	URL, Referer, RemoteHost, UserAgent     string
	// Query is the landing URL's query ({} rendered [] when empty).
	Query map[string]string
	// Added is when it was recorded (zero: the time of SetContactExtras).
	Added time.Time
}

// Stage is a contact's stage.
type Stage struct {
	ID          int64
	Name        string
	Weight      int
	Description string
}

// Owner is the Mautic user owning a contact.
type Owner struct {
	ID                            int64
	Username, FirstName, LastName string
}

// extras is the stored form of Extras on a contact row.
type extras struct {
	tags         []idName // tag rows
	ips          []idName // ip_addresses rows
	utm          []utmRow
	stage        *Stage
	owner        *Owner
	lastActive   time.Time
	color        string
	profileImage string
}

type idName struct {
	id   int64
	name string
}

type utmRow struct {
	id int64
	UTMTag
}

// SetContactExtras replaces every extra of contact id (tags, IPs, UTM
// tags, points, stage, owner, lastActive, color, preferredProfileImage)
// with e; false when the contact does not exist. To change one part, read
// ContactExtras first, edit, and set it back.
func (in *Instance) SetContactExtras(id int64, e Extras) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return false
	}
	c.tags, c.ips = nil, nil
	for _, t := range e.Tags {
		in.addTagLocked(c, t)
	}
	for _, ip := range e.IPAddresses {
		in.addIPLocked(c, ip)
	}
	c.utm = nil
	for _, u := range e.UTMTags {
		if u.Added.IsZero() {
			u.Added = in.now()
		}
		u.Query = cloneMap(u.Query)
		in.reg.utm++
		c.utm = append(c.utm, utmRow{id: in.reg.utm, UTMTag: u})
	}
	c.points = int64(e.Points)
	c.stage, c.owner = cloneStage(e.Stage), cloneOwner(e.Owner)
	c.lastActive = e.LastActive.UTC().Truncate(time.Second)
	if c.lastActive.IsZero() {
		delete(c.values, "last_active")
	} else {
		c.values["last_active"] = c.lastActive.Format("2006-01-02 15:04:05")
	}
	c.color, c.profileImage = e.Color, e.PreferredProfileImage
	return true
}

// ContactExtras returns a copy of contact id's extras.
func (in *Instance) ContactExtras(id int64) (Extras, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return Extras{}, false
	}
	e := Extras{Points: int(c.points), Stage: cloneStage(c.stage), Owner: cloneOwner(c.owner),
		LastActive: c.lastActive, Color: c.color, PreferredProfileImage: c.profileImage}
	for _, t := range c.tags {
		e.Tags = append(e.Tags, t.name)
	}
	for _, ip := range c.ips {
		e.IPAddresses = append(e.IPAddresses, ip.name)
	}
	for _, u := range c.utm {
		t := u.UTMTag
		t.Query = cloneMap(t.Query)
		e.UTMTags = append(e.UTMTags, t)
	}
	return e, true
}

// AddDNC seeds a do-not-contact entry on channel (reason 1 unsubscribed,
// 2 bounced, 3 manual), as if added at the current time; like Mautic it
// never changes an existing entry for the channel. False when the contact
// does not exist.
func (in *Instance) AddDNC(id int64, channel string, reason int, comments string) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return false
	}
	for _, d := range c.dnc {
		if d.channel == channel {
			return true
		}
	}
	in.nextDNC++
	c.dnc = append(c.dnc, &dncEntry{id: in.nextDNC, channel: channel, reason: reason, comments: comments, added: in.now()})
	return true
}

// modifyTagsLocked applies a create/edit body's "tags": a list or a comma
// separated string; "-name" removes name, anything else is added.
func (in *Instance) modifyTagsLocked(c *contact, v any) {
	var names []string
	switch t := v.(type) {
	case string:
		names = strings.Split(t, ",")
	case []any:
		for _, x := range t {
			names = append(names, toString(x))
		}
	case []string:
		names = t
	}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if rm, ok := strings.CutPrefix(n, "-"); ok {
			for i, tg := range c.tags {
				if tg.name == strings.TrimSpace(rm) {
					c.tags = append(c.tags[:i:i], c.tags[i+1:]...)
					break
				}
			}
			continue
		}
		in.addTagLocked(c, n)
	}
}

func (in *Instance) addTagLocked(c *contact, name string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return
	}
	for _, t := range c.tags {
		if t.name == name {
			return
		}
	}
	c.tags = append(c.tags, idName{in.reg.id(&in.reg.tags, &in.reg.lastTag, name), name})
}

func (in *Instance) addIPLocked(c *contact, ip string) {
	for _, x := range c.ips {
		if x.name == ip {
			return
		}
	}
	c.ips = append(c.ips, idName{in.reg.id(&in.reg.ips, &in.reg.lastIP, ip), ip})
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cloneStage(s *Stage) *Stage {
	if s == nil {
		return nil
	}
	c := *s
	return &c
}

func cloneOwner(o *Owner) *Owner {
	if o == nil {
		return nil
	}
	c := *o
	return &c
}
