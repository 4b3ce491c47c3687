package mautictest

import (
	"strings"
	"time"
)

// Note is a contact note (lead_notes).
type Note struct {
	Text string
	// Type is general, email, call, meeting (empty: general).
	Type string
	// DateTime is the note's date (zero: now).
	DateTime time.Time
}

// Device is a device a contact used (lead_devices).
type Device struct {
	// Type is the "device" member: desktop, smartphone, tablet, ...
	Type                                       string
	OSName, OSShortName, OSVersion, OSPlatform string
	Brand, Model                               string
	// ClientType, ClientName, ClientVersion and Engine fill clientInfo
	// (the browser); all empty renders clientInfo as [].
	ClientType, ClientName, ClientVersion, Engine string
}

// Company is a company record; the same Name on one instance is the same
// company (one id), shared by every contact linked to it.
type Company struct {
	Name, Email, Phone, Website, Industry   string
	Address1, City, State, Zipcode, Country string
	// Primary makes it the contact's primary company (and sets the contact's
	// "company" field when empty, like Mautic).
	Primary bool
}

// Segment is a segment (lead list); the same Alias is the same segment.
type Segment struct {
	Name, Alias string
}

// Campaign is a campaign; the same Name is the same campaign. Segments are
// the aliases of the segments feeding it (listMembership).
type Campaign struct {
	Name     string
	Segments []string
}

// subs are a contact's sub-resource rows; they go with the contact on
// delete (ON DELETE CASCADE, API.md §9.4).
type subs struct {
	notes     []noteRow
	devices   []deviceRow
	companies []companyLink
	segments  []memberLink
	campaigns []memberLink
}

type noteRow struct {
	id int64
	Note
}

type deviceRow struct {
	id int64
	Device
}

type companyLink struct {
	co      *companyRow
	added   time.Time
	primary bool
}

type companyRow struct {
	id    int64
	added time.Time
	Company
}

type memberLink struct {
	id    int64 // segment or campaign id
	added time.Time
}

type segmentRow struct {
	id int64
	Segment
}

type campaignRow struct {
	id       int64
	name     string
	segments []int64
}

// registry holds an instance's shared rows and id counters (one per
// table, so ids do not depend on the order things were seeded in).
type registry struct {
	tags, ips                    map[string]int64
	companies                    map[string]*companyRow
	segments                     map[string]*segmentRow
	campaigns                    map[string]*campaignRow
	segByID                      map[int64]*segmentRow
	campByID                     map[int64]*campaignRow
	lastTag, lastIP, lastCompany int64
	lastSegment, lastCampaign    int64
	utm, notes, device           int64
}

// id returns the id of name in m, allocating the next one of *last.
func (r *registry) id(m *map[string]int64, last *int64, name string) int64 {
	if *m == nil {
		*m = map[string]int64{}
	}
	if id, ok := (*m)[name]; ok {
		return id
	}
	*last++
	(*m)[name] = *last
	return *last
}

// AddNote adds a note to contact id and returns the note id (0 when the
// contact does not exist).
func (in *Instance) AddNote(id int64, n Note) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return 0
	}
	if n.Type == "" {
		n.Type = "general"
	}
	if n.DateTime.IsZero() {
		n.DateTime = in.now()
	}
	n.DateTime = n.DateTime.UTC().Truncate(time.Second)
	in.reg.notes++
	c.notes = append(c.notes, noteRow{id: in.reg.notes, Note: n})
	return in.reg.notes
}

// AddDevice records a device for contact id and returns its id (0 when the
// contact does not exist).
func (in *Instance) AddDevice(id int64, d Device) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil {
		return 0
	}
	in.reg.device++
	c.devices = append(c.devices, deviceRow{id: in.reg.device, Device: d})
	return in.reg.device
}

// AddCompany links contact id to the company named co.Name (created on
// first use) and returns the company id (0 when the contact does not
// exist or the name is empty). Linking twice is a no-op.
func (in *Instance) AddCompany(id int64, co Company) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil || strings.TrimSpace(co.Name) == "" {
		return 0
	}
	if in.reg.companies == nil {
		in.reg.companies = map[string]*companyRow{}
	}
	row := in.reg.companies[co.Name]
	if row == nil {
		in.reg.lastCompany++
		row = &companyRow{id: in.reg.lastCompany, added: in.now(), Company: co}
		row.Primary = false
		in.reg.companies[co.Name] = row
	}
	for _, l := range c.companies {
		if l.co == row {
			return row.id
		}
	}
	if co.Primary {
		for i := range c.companies {
			c.companies[i].primary = false
		}
		if _, ok := c.values["company"]; !ok {
			c.values["company"] = co.Name
		}
	}
	c.companies = append(c.companies, companyLink{co: row, added: in.now(), primary: co.Primary})
	return row.id
}

// AddToSegment adds contact id to the segment with s.Alias (created on
// first use) and returns the segment id (0 when the contact does not exist
// or the alias is empty).
func (in *Instance) AddToSegment(id int64, s Segment) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil || s.Alias == "" {
		return 0
	}
	seg := in.segmentLocked(s)
	c.segments = addMember(c.segments, seg.id, in.now())
	return seg.id
}

func (in *Instance) segmentLocked(s Segment) *segmentRow {
	if in.reg.segments == nil {
		in.reg.segments, in.reg.segByID = map[string]*segmentRow{}, map[int64]*segmentRow{}
	}
	seg := in.reg.segments[s.Alias]
	if seg == nil {
		if s.Name == "" {
			s.Name = s.Alias
		}
		in.reg.lastSegment++
		seg = &segmentRow{id: in.reg.lastSegment, Segment: s}
		in.reg.segments[s.Alias], in.reg.segByID[seg.id] = seg, seg
	}
	return seg
}

// AddToCampaign adds contact id to the campaign named cp.Name (created on
// first use with cp.Segments, which are created as needed) and returns the
// campaign id (0 when the contact does not exist or the name is empty).
func (in *Instance) AddToCampaign(id int64, cp Campaign) int64 {
	in.mu.Lock()
	defer in.mu.Unlock()
	c := in.contacts[id]
	if c == nil || cp.Name == "" {
		return 0
	}
	if in.reg.campaigns == nil {
		in.reg.campaigns, in.reg.campByID = map[string]*campaignRow{}, map[int64]*campaignRow{}
	}
	row := in.reg.campaigns[cp.Name]
	if row == nil {
		var segs []int64
		for _, a := range cp.Segments {
			segs = append(segs, in.segmentLocked(Segment{Alias: a}).id)
		}
		in.reg.lastCampaign++
		row = &campaignRow{id: in.reg.lastCampaign, name: cp.Name, segments: segs}
		in.reg.campaigns[cp.Name], in.reg.campByID[row.id] = row, row
	}
	c.campaigns = addMember(c.campaigns, row.id, in.now())
	return row.id
}

func addMember(list []memberLink, id int64, at time.Time) []memberLink {
	for _, m := range list {
		if m.id == id {
			return list
		}
	}
	return append(list, memberLink{id: id, added: at})
}
