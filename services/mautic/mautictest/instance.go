package mautictest

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Instance is one emulated Mautic 5.1.0 with its own contacts, credentials,
// activity and faults.
type Instance struct {
	n   int
	cfg *fleetConfig

	mu       sync.Mutex
	contacts map[int64]*contact
	nextID   int64
	nextDNC  int64
	deletes  map[int64]int
	tokens   map[string]time.Time
	faults   Faults
	rng      *rand.Rand
	fieldsP  atomic.Pointer[fieldSet] // default + custom contact fields
	reg      registry                 // shared rows: tags, IPs, companies, segments, campaigns
	merged   map[int64]int64          // loser id -> winner id of edit-merges

	requests    atomic.Int64
	tokenCalls  atomic.Int64
	inFlight    atomic.Int64
	maxInFlight atomic.Int64
}

// contact is one row of the emulated leads table.
type contact struct {
	id            int64
	added         time.Time
	modified      time.Time // zero = null
	modifiedBy    bool
	createdByUser string
	createdBy     bool // false: created with an OAuth2 token (createdBy null)
	values        map[string]string
	points        int64
	dnc           []*dncEntry
	seeded        int
	extras        // tags, IPs, UTM tags, stage, owner, ... (extras.go)
	subs          // notes, devices, companies, segments, campaigns (subres.go)
}

type dncEntry struct {
	id       int64
	channel  string
	reason   int
	comments string
	added    time.Time
}

func newInstance(n int, cfg *fleetConfig) *Instance {
	in := &Instance{
		n: n, cfg: cfg,
		contacts: map[int64]*contact{},
		deletes:  map[int64]int{},
		tokens:   map[string]time.Time{},
		rng:      rand.New(rand.NewPCG(0, uint64(n))),
		merged:   map[int64]int64{},
	}
	in.fieldsP.Store(defaultFields)
	return in
}

func (in *Instance) now() time.Time { return in.cfg.now().UTC().Truncate(time.Second) }

// BasicPassword is the Basic Auth password of instance n (user "api").
func BasicPassword(n int) string { return fmt.Sprintf("emulated-%d", n) }

// ClientID is the OAuth2 client id of instance n.
func ClientID(n int) string { return fmt.Sprintf("client-%d", n) }

// ClientSecret is the OAuth2 client secret of instance n.
func ClientSecret(n int) string { return fmt.Sprintf("emulated-secret-%d", n) }

// Number returns the instance's 1-based number.
func (in *Instance) Number() int { return in.n }

// AddContact inserts a contact directly (no merge) from field values keyed
// by alias ("email", "firstname", ... and custom field aliases; "points" may
// be an int) and returns its id. Emails are sanitized like Mautic does
// (spaces, non-ASCII dropped). Like the API's create body it also accepts
// "tags" ([]string, []any or "a,b"; "-x" removes x) and "ipAddress" (a
// string); see SetContactExtras for everything else.
func (in *Instance) AddContact(fields map[string]any) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.insertLocked(true)
	in.applyLocked(c, fields, false)
	return c.id
}

func (in *Instance) insertLocked(basic bool) *contact {
	in.nextID++
	c := &contact{id: in.nextID, added: in.now(), values: map[string]string{}, createdBy: basic, createdByUser: "Admin User"}
	if !basic {
		c.createdByUser = fmt.Sprintf("%s [%d]", ClientID(in.n), 1)
	}
	in.contacts[c.id] = c
	return c
}

// applyLocked sets field values; empty values are skipped unless blank
// overwrites are requested (PUT semantics).
func (in *Instance) applyLocked(c *contact, fields map[string]any, overwriteBlank bool) {
	fs := in.fieldSet()
	for k, v := range fields {
		switch k {
		case "tags":
			in.modifyTagsLocked(c, v)
			continue
		case "ipAddress":
			if s := toString(v); s != "" {
				in.addIPLocked(c, s)
			}
			continue
		}
		if k == "points" {
			switch p := v.(type) {
			case int:
				c.points = int64(p)
			case int64:
				c.points = p
			case float64:
				c.points = int64(p)
			}
			continue
		}
		d := fs.byAlias[k]
		if d == nil {
			continue
		}
		s, _ := storeValue(d, v)
		if k == "email" {
			s = sanitizeEmail(s)
		}
		if s == "" {
			if overwriteBlank {
				delete(c.values, k)
			}
			continue
		}
		c.values[k] = s
	}
}

// sanitizeEmail drops spaces and non-ASCII characters, like Mautic 5.1.0.
func sanitizeEmail(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SeedEvents gives contactID n synthetic activity events of several types
// (page.hit, email.sent, email.read, form.submitted, point.gained). They
// are generated on demand, so 100,000 events cost a counter, not memory.
func (in *Instance) SeedEvents(contactID int64, n int) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if c := in.contacts[contactID]; c != nil {
		c.seeded += n
	}
}

// ContactIDs returns the ids of the live contacts, ascending.
func (in *Instance) ContactIDs() []int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	ids := make([]int64, 0, len(in.contacts))
	for id := range in.contacts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// HasContact reports whether contact id exists (not deleted).
func (in *Instance) HasContact(id int64) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.contacts[id] != nil
}

// ContactEmail returns the stored email of contact id ("" if none/gone).
func (in *Instance) ContactEmail(id int64) string {
	in.mu.Lock()
	defer in.mu.Unlock()
	if c := in.contacts[id]; c != nil {
		return c.values["email"]
	}
	return ""
}

// ContactField returns the stored value of field alias of contact id.
func (in *Instance) ContactField(id int64, alias string) (string, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if c := in.contacts[id]; c != nil {
		v, ok := c.values[alias]
		return v, ok
	}
	return "", false
}

// DNC returns the reason of contact id's DNC entry on channel (0 if none).
func (in *Instance) DNC(id int64, channel string) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	if c := in.contacts[id]; c != nil {
		for _, d := range c.dnc {
			if d.channel == channel {
				return d.reason
			}
		}
	}
	return 0
}

// DeleteCount returns how many successful DELETEs hit contact id.
func (in *Instance) DeleteCount(id int64) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.deletes[id]
}

// Requests returns how many requests the instance has served.
func (in *Instance) Requests() int64 { return in.requests.Load() }

// TokenRequests returns how many calls hit the OAuth2 token endpoint.
func (in *Instance) TokenRequests() int64 { return in.tokenCalls.Load() }

// MaxInFlight returns the highest number of concurrent requests seen.
func (in *Instance) MaxInFlight() int64 { return in.maxInFlight.Load() }

// ExpireTokens revokes every OAuth2 access token issued so far, so the
// next call with one gets 401 invalid_grant.
func (in *Instance) ExpireTokens() {
	in.mu.Lock()
	defer in.mu.Unlock()
	clear(in.tokens)
}
