// Package tenants is the tenant registry over the service's single bbolt
// file: it opens the file, owns the bucket registry and schema version,
// stores tenants and API keys, and seals every secret (Mautic credentials,
// subject identifiers, package keys) with AES-256-GCM under the master key.
//
// Other packages keep their own records in buckets declared here (see
// buckets.go) through Store.View and Store.Update, so that one file holds all
// state and one place names every bucket.
package tenants
