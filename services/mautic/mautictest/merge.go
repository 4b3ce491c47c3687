package mautictest

import "time"

// editMergeLocked is the start of PATCH/PUT edit (LeadApiController::
// preSaveEntity): when the submitted email belongs to another contact
// (the lowest id with it, case-insensitive), that contact is merged into
// c and deleted before the body's values are applied.
func (in *Instance) editMergeLocked(c *contact, fields map[string]any) {
	v, ok := fields["email"]
	if !ok || v == nil {
		return
	}
	email := sanitizeEmail(toString(v))
	if email == "" {
		return
	}
	if other := in.byEmailLocked(email); other != nil && other.id != c.id {
		in.mergeLocked(c, other)
	}
}

// mergeLocked merges loser into winner like ContactMerger::merge [SRC]:
// the newest non-empty value of each field wins (newest by dateModified,
// else dateAdded), points add up, tags, IPs and companies are united, the
// winner keeps its owner/stage unless it has none, and keeps the latest
// lastActive. The LEAD_POST_MERGE listeners move the loser's page hits,
// email stats, form submissions and point logs (here: its seeded events)
// and campaign memberships to the winner. Everything else of the loser
// (notes, devices, segments, UTM tags, DNC) goes with it when it is
// deleted (ON DELETE CASCADE) [INF].
func (in *Instance) mergeLocked(winner, loser *contact) {
	if loser.lastActive.After(winner.lastActive) {
		winner.lastActive = loser.lastActive
	}
	for _, ip := range loser.ips {
		in.addIPLocked(winner, ip.name)
	}
	newest, oldest := winner, loser
	if changed(loser).After(changed(winner)) {
		newest, oldest = loser, winner
	}
	for _, d := range in.fieldSet().defs {
		if d.alias == "points" {
			continue
		}
		if v, ok := newest.values[d.alias]; ok && v != "" {
			winner.values[d.alias] = v
		} else if v, ok := oldest.values[d.alias]; ok && v != "" {
			winner.values[d.alias] = v
		}
	}
	if winner.owner == nil {
		winner.owner = cloneOwner(loser.owner)
	}
	if winner.stage == nil {
		winner.stage = cloneStage(loser.stage)
	}
	winner.points += loser.points
	for _, t := range loser.tags {
		in.addTagLocked(winner, t.name)
	}
	for _, l := range loser.companies {
		dup := false
		for _, w := range winner.companies {
			dup = dup || w.co == l.co
		}
		if !dup {
			l.primary = l.primary && !hasPrimary(winner)
			winner.companies = append(winner.companies, l)
		}
	}
	for _, m := range loser.campaigns {
		winner.campaigns = addMember(winner.campaigns, m.id, m.added)
	}
	winner.seeded += loser.seeded
	in.touchLocked(winner)
	delete(in.contacts, loser.id)
	in.merged[loser.id] = winner.id
}

func changed(c *contact) time.Time {
	if !c.modified.IsZero() {
		return c.modified
	}
	return c.added
}

func hasPrimary(c *contact) bool {
	for _, l := range c.companies {
		if l.primary {
			return true
		}
	}
	return false
}

// MergedInto reports which contact an edit-merge merged contact id into
// (and deleted it); ok is false when id was never merged away.
func (in *Instance) MergedInto(id int64) (winner int64, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	winner, ok = in.merged[id]
	return winner, ok
}
