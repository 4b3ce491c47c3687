// Package mautictest is an in-process emulator of a fleet of Mautic 5.1.0
// instances, byte-faithful to the answers captured from a real instance in
// shared/mautic/real (key order, string/int quirks, PHP's "\/" escaping).
//
// A Fleet is one http.Handler hosting N instances under /i/{n}; each has its
// own contacts, credentials (Basic "api" / "emulated-{n}", OAuth2 client
// "client-{n}" / "emulated-secret-{n}"), activity and fault injection. It
// models the quirks a DSAR client must survive: prefix-LIKE "search=email:"
// with live _ and % wildcards, exact "where eq", merge-on-create, delete
// answering "id": null then 404 forever, DNC that never changes an existing
// entry, per-event-type activity paging, and the exact 401/404 bodies.
//
// # Seeding
//
// Contacts are seeded directly, without HTTP:
//
//   - AddContact(fields): profile fields by alias (custom ones too), plus
//     "tags" and "ipAddress" like the API's create body.
//   - AddField(Field{Alias, Label, Type, Group, Options}): a custom field,
//     listed by /api/fields/contact and present in every contact's
//     fields.<group> and fields.all.
//   - SetContactExtras(id, Extras{Tags, IPAddresses, UTMTags, Points, Stage,
//     Owner, LastActive, Color, PreferredProfileImage}) / ContactExtras(id).
//   - AddDNC(id, channel, reason, comments).
//   - AddNote, AddDevice, AddCompany, AddToSegment, AddToCampaign: the
//     /contacts/{id}/notes|devices|companies|segments|campaigns answers.
//   - SeedEvents(id, n): n lazily generated activity events (page.hit,
//     email.sent, email.read, form.submitted, point.gained) with realistic
//     details; 100,000 cost a counter. EventCount(id) is the number of
//     events a full timeline walk must yield (seeded, DNC, UTM, identified).
//   - Seed(k) adds sample contacts and look-alikes; SeedDemo(k) adds the
//     same plus custom fields, extras, sub-resources and events on a few.
//
// Tags and ipAddresses are JSON lists (README corrections win over
// API.md). Edit (PATCH/PUT) with an email that belongs to another contact
// merges that contact into the URL contact and deletes it (MergedInto
// reports it); deleting a contact drops its notes, devices, segments,
// campaigns, UTM tags and DNC entries, while company records stay.
//
// Serve and ServeWith run a seeded fleet on a TCP address for the
// "mautic-dsar emulate" command and demos.
package mautictest
