package access

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/mautic"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
)

// subResourceNames are fetched for every contact, in this order.
var subResourceNames = []string{"notes", "devices", "companies", "segments", "campaigns"}

// CollectReadRetries is how many times Collect repeats one failed read
// (5xx, 429, timeout) before the task's own retry takes over: at a 30 %
// fault rate one call then fails with probability 0.3^7, about 0.02 %.
const CollectReadRetries = 6

// Collect gathers everything tenant t holds about contacts (the exact
// matches of the subject) and keeps it, encrypted, as the tenant's part of
// the package under store.Dir()/parts/<requestID>/<tenantID>.part. Per
// contact it reads the full profile (every field, by alias and label),
// tags, UTM tags, points, stage, do-not-contact entries, IP addresses,
// frequency rules, notes, devices, companies, segments, campaigns, and the
// complete activity timeline, streaming events one by one into the part.
// It is idempotent: a retried task replaces its part. Errors are the
// mautic client's (so the engine can tell transient from permanent).
func (p *Packager) Collect(ctx context.Context, requestID string, t *dsarv1.Tenant, conn *mautic.Conn, contacts []mautic.Contact) (*dsarv1.AccessStats, error) {
	tenantID := t.GetTenantId()
	if validate.TenantID(requestID) != nil || validate.TenantID(tenantID) != nil {
		return nil, errors.New("access: invalid request or tenant id")
	}
	if conn == nil {
		return nil, errors.New("access: no Mautic connection")
	}
	// An export makes dozens of read calls per contact: retry each one on
	// its own, so one transient failure does not restart the whole walk.
	conn = conn.WithReadRetries(CollectReadRetries)
	defs, err := conn.ContactFields(ctx)
	if err != nil && !errors.Is(err, mautic.ErrNotFound) {
		return nil, err
	}
	key, sealed, err := newDataKey(p.store.Sealer(), partKeyAAD(requestID, tenantID))
	if err != nil {
		return nil, err
	}
	ef, err := createEncrypted(p.partPath(requestID, tenantID), key, sealed, partBinding(requestID, tenantID))
	if err != nil {
		return nil, err
	}
	fw := &frameWriter{w: ef}
	end, err := p.collectInto(ctx, fw, t, conn, contacts, defs)
	if err == nil {
		err = fw.writeJSON(frameEnd, end)
	}
	if err != nil {
		ef.Abort()
		return nil, err
	}
	size := ef.Size()
	if err := ef.Commit(); err != nil {
		return nil, err
	}
	return &dsarv1.AccessStats{Contacts: int32(end.Contacts), Events: end.Events, Bytes: size}, nil
}

func (p *Packager) collectInto(ctx context.Context, fw *frameWriter, t *dsarv1.Tenant, conn *mautic.Conn, contacts []mautic.Contact, defs []mautic.Field) (partEnd, error) {
	var end partEnd
	hdr := partHeader{TenantID: t.GetTenantId(), CustomerID: t.GetCustomerId(), DisplayName: t.GetDisplayName(),
		CollectedAt: p.now().UTC().Format(time.RFC3339)}
	if err := fw.writeJSON(frameHeader, hdr); err != nil {
		return end, err
	}
	for _, c := range contacts {
		n, err := collectContact(ctx, fw, conn, c, defs)
		if err != nil {
			return end, fmt.Errorf("access: contact %d: %w", c.ID, err)
		}
		end.Contacts++
		end.Events += n
	}
	return end, nil
}

// collectContact writes one contact frame and its event frames, and returns
// the number of events.
func collectContact(ctx context.Context, fw *frameWriter, conn *mautic.Conn, c mautic.Contact, defs []mautic.Field) (int64, error) {
	full, err := conn.GetContact(ctx, c.ID)
	switch {
	case err == nil:
		id := c.ID
		c = *full
		if c.ID == 0 {
			c.ID = id
		}
	case errors.Is(err, mautic.ErrNotFound):
		// gone since the lookup: export what the lookup returned
	default:
		return 0, err
	}
	doc := newContactDoc(c, defs)
	for _, name := range subResourceNames {
		body, err := conn.SubResource(ctx, c.ID, name)
		if err != nil && !errors.Is(err, mautic.ErrNotFound) {
			return 0, err
		}
		doc.setSubResource(name, body)
	}
	if err := fw.writeJSON(frameContact, doc); err != nil {
		return 0, err
	}
	var n int64
	var buf []byte
	var ts []byte
	err = conn.EachEvent(ctx, c.ID, func(ev mautic.Event) error {
		pe := partEvent{ContactID: c.ID, Event: []byte(ev.Event), EventType: []byte(ev.EventType), Label: []byte(ev.Label),
			EventID: []byte(ev.EventID), Details: eventDetailsOf(ev.Raw), Raw: ev.Raw}
		if !ev.Timestamp.IsZero() {
			ts = ev.Timestamp.AppendFormat(ts[:0], time.RFC3339)
			pe.Timestamp = ts
		}
		if len(pe.Raw) == 0 {
			pe.Raw = []byte("null")
		}
		n++
		buf = appendEvent(buf[:0], &pe)
		return fw.write(frameEvent, buf)
	})
	if err != nil && !errors.Is(err, mautic.ErrNotFound) {
		return 0, err
	}
	return n, nil
}

// eventDetailsOf returns the compact "details" member of a raw event, or
// nothing.
func eventDetailsOf(raw []byte) []byte {
	var d struct {
		Details json.RawMessage `json:"details"`
	}
	if json.Unmarshal(raw, &d) != nil || len(d.Details) == 0 {
		return nil
	}
	if bytes.ContainsAny(d.Details, "\n\r") {
		return compactJSON(d.Details)
	}
	return d.Details
}
