// Package audit is the service's append-only, hash-chained audit trail.
//
// Events live in the bbolt bucket tenants.BucketAudit, keyed by their 8-byte
// big-endian sequence number (1, 2, 3, ...), each value a deterministically
// marshalled dsarv1.AuditEvent. Every event carries the hash of its
// predecessor (prev_hash) and its own hash: hex SHA-256 over prev_hash and the
// deterministic protobuf encoding of the event with the hash field cleared.
// Rewriting, removing or reordering any stored event therefore breaks the
// chain at that point, which Verify reports.
//
// Events never hold subject data: the subject appears only as subject_ref, a
// keyed hash. Append takes the actor from the authenticated principal in the
// context (authn.FromContext), or "system" when there is none.
package audit
