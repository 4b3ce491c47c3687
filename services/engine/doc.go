// Package engine is the durable request engine: it validates and stores
// data-subject requests with one task per targeted tenant, and executes the
// tasks against the tenants' Mautic instances with a fair, bounded worker
// pool.
//
// Everything lives in the service's single bbolt file (buckets requests,
// tasks, idempotency and active_subjects, declared in tenants/buckets.go).
// A request and its tasks are written in one transaction together with the
// REQUEST_CREATED audit event; execution is asynchronous.
//
// Each task is a sequence of idempotent steps (lookup, act, verify) whose
// progress is journaled in its TaskRecord before the next step starts, so a
// restart after kill -9 resumes exactly where it stopped and never repeats a
// destructive step blindly. No network call ever happens inside a bbolt
// transaction; task writes from concurrent workers are group-committed.
//
// Transient Mautic failures are retried per step with exponential backoff and
// full jitter, honouring Retry-After; a per-tenant circuit breaker parks the
// tasks of an instance that keeps failing. Permanent failures fail the task
// at once with a google.rpc.Status that never carries subject data.
//
// The request state is derived from the task states (DeriveState). Watchers
// are fed by an in-memory hub notified after every committed task write.
package engine
