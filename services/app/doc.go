// Package app is the composition root of mautic-dsar: it turns a Config
// (flags and environment read by cmd/mautic-dsar) into a running service —
// telemetry, the tenants store, authentication, the audit log, the Mautic
// client, the request engine, the access packager, every API service and
// the two-listener server — and, in demo mode, an in-process emulated
// Mautic fleet registered as tenants.
package app
