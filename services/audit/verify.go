package audit

import (
	"context"

	bolt "go.etcd.io/bbolt"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Verify recomputes the whole chain, oldest first. A link is bad when its
// key is not the next sequence, its stored sequence differs from its key,
// it does not decode, its prev_hash is not the previous event's hash, or its
// hash is not the recomputed one. The answer reports the first bad sequence
// (0 when ok), how many events were checked (up to and including the first
// bad one) and the head hash (the last event's hash, when ok).
func (l *Log) Verify(ctx context.Context) (*dsarv1.VerifyAuditLogResponse, error) {
	res := &dsarv1.VerifyAuditLogResponse{Ok: true}
	err := l.store.View(ctx, "audit.Verify", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketAudit).Cursor()
		var want int64 = 1
		prev := ""
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			res.EventsChecked++
			if bad := checkLink(k, v, want, prev); bad != 0 {
				res.Ok, res.FirstBadSequence, res.HeadHash = false, bad, ""
				return nil
			}
			ev, _ := decodeStored(k, v)
			prev = ev.GetHash()
			want++
		}
		res.HeadHash = prev
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// checkLink returns 0 when the stored pair (k, v) is the valid event number
// want following a link with hash prev, else the sequence to report.
func checkLink(k, v []byte, want int64, prev string) int64 {
	seq, ok := keySeq(k)
	if !ok || seq != want {
		return want
	}
	ev, err := decodeStored(k, v)
	if err != nil || ev.GetSequence() != seq || ev.GetPrevHash() != prev {
		return seq
	}
	h, err := Hash(ev)
	if err != nil || h != ev.GetHash() {
		return seq
	}
	return 0
}
