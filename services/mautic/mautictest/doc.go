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
// Serve runs a fleet on a TCP address for the "mautic-dsar emulate" command.
package mautictest
