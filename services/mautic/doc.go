// Package mautic is the service's REST client for Mautic 4.x, 5.x and 6.x.
//
// A Client is shared by the whole process: it owns one http.Transport (so
// connections are reused), a per-tenant concurrency cap and a per-tenant
// OAuth2 token cache. A Conn binds the Client to one Mautic instance and
// exposes the typed operations the DSAR engine needs (exact e-mail lookup,
// contact fetch/edit/delete, do-not-contact, streamed activity, sub-resources,
// field metadata).
//
// Every HTTP call produces one client span named by its route template (for
// example "GET /api/contacts/{id}"); spans never carry the full URL, the query
// string (which holds the subject's e-mail on lookups) or any body. Errors are
// typed (ErrNotFound, *AuthError, *RateLimitError, ...) and never contain the
// e-mail, a URL with its query, or response bodies. IsTransient tells the
// engine which failures to retry.
//
// The decoders tolerate the real shapes observed on a live Mautic 5.1.0 (see
// shared/mautic/README.md): "total" as string or int, "contacts" as an object
// keyed by id, {} or [], field metadata changing type between responses,
// "id": null in delete answers and eventLabel as a string or an object.
package mautic
