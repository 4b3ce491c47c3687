// Package access builds GDPR Art. 15/20 access packages: everything every
// targeted Mautic holds about a data subject, in one zip that is complete,
// machine-readable, and encrypted at rest.
//
// The engine calls Collect once per tenant task with the contacts that
// matched the subject exactly. Collect fetches each contact's full profile,
// sub-resources (notes, devices, companies, segments, campaigns) and its
// complete activity timeline, streaming it into an encrypted part file
// store.Dir()/parts/<requestID>/<tenantID>.part. When every task is
// terminal the engine calls Build, which streams the parts into a zip and
// the zip straight into the encrypted package store.Dir()/packages/<requestID>.pkg,
// recorded in bucket tenants.BucketPackages. Memory stays flat however
// large a timeline is: events flow through one at a time.
//
// Encryption: every file gets its own random AES-256 data key, sealed under
// the master key (store.Sealer()) with additional data bound to the request
// (and tenant, for parts). Content is sealed in 64 KiB chunks with
// AES-256-GCM; the nonce is the chunk counter and the additional data names
// the file, the chunk's position and whether it is the last one, so chunks
// cannot be swapped, moved between files, or cut off. Nothing is ever
// written in plain text.
//
// Packages expire after Options.TTL: RunExpiry deletes the file, shreds the
// sealed key and records PACKAGE_EXPIRED; Open then fails with
// ERROR_REASON_PACKAGE_NOT_AVAILABLE and a message saying when it expired.
package access
