// Package auditsvc serves the hash-chained audit trail (services/audit) as
// dsarv1.AuditServiceServer: GET /v1/audit/events and POST /v1/audit:verify.
//
// Operators and auditors read every event; a customer key reads only the
// events whose customer_id is its own. Only operators and auditors may
// verify the chain. Every handler authenticates first (authn.FromContext),
// then validates, and returns *errs.Error for expected failures.
package auditsvc
