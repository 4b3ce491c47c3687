package audit

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// SystemActor is the actor of events that no authenticated caller caused
// (its role is authn.System's).
const SystemActor = "system"

// Log is the hash-chained audit trail over a tenants.Store. It is safe for
// concurrent use: bbolt serialises write transactions, so the sequence and
// the chain stay gapless however many goroutines append at once.
type Log struct {
	store *tenants.Store
}

// New returns the audit log kept in store.
func New(store *tenants.Store) *Log { return &Log{store: store} }

// Append records ev in its own write transaction. It fills sequence, time,
// actor and actor_role (from authn.FromContext, else "system"), prev_hash and
// hash; whatever the caller set there is overwritten. ev itself is updated
// with the stored values.
func (l *Log) Append(ctx context.Context, ev *dsarv1.AuditEvent) error {
	return l.store.Update(ctx, "audit.Append", func(tx *bolt.Tx) error {
		return l.AppendTx(ctx, tx, ev)
	})
}

// AppendTx records ev inside the caller's write transaction tx, so that a
// state change and its audit event commit (or roll back) together. It fills
// the same fields as Append.
func (l *Log) AppendTx(ctx context.Context, tx *bolt.Tx, ev *dsarv1.AuditEvent) error {
	if ev == nil {
		return errors.New("audit: nil event")
	}
	if !tx.Writable() {
		return errors.New("audit: AppendTx needs a write transaction")
	}
	b := tx.Bucket(tenants.BucketAudit)
	if b == nil {
		return errors.New("audit: bucket missing")
	}
	var seq int64 = 1
	prevHash := ""
	if k, v := b.Cursor().Last(); k != nil {
		last, err := decodeStored(k, v)
		if err != nil {
			return err
		}
		seq = last.GetSequence() + 1
		prevHash = last.GetHash()
	}
	ev.Sequence = seq
	ev.Time = timestamppb.New(l.store.Now())
	ev.Actor, ev.ActorRole = SystemActor, authn.System.Role
	if p, ok := authn.FromContext(ctx); ok && p.KeyID != "" {
		ev.Actor, ev.ActorRole = p.KeyID, p.Role
	}
	ev.PrevHash = prevHash
	h, err := Hash(ev)
	if err != nil {
		return err
	}
	ev.Hash = h
	val, err := marshal(ev)
	if err != nil {
		return err
	}
	if err := b.Put(seqKey(seq), val); err != nil {
		return fmt.Errorf("audit: store event %d: %w", seq, err)
	}
	return nil
}

// Hash computes an event's chain hash: hex SHA-256 over its prev_hash, a zero
// byte, and the deterministic protobuf encoding of the event with hash
// cleared (prev_hash included, so the link is covered twice).
func Hash(ev *dsarv1.AuditEvent) (string, error) {
	c := proto.Clone(ev).(*dsarv1.AuditEvent)
	c.Hash = ""
	b, err := marshal(c)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(ev.GetPrevHash()))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)), nil
}

func marshal(ev *dsarv1.AuditEvent) ([]byte, error) {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
	if err != nil {
		return nil, fmt.Errorf("audit: encode event: %w", err)
	}
	return b, nil
}

func seqKey(seq int64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], uint64(seq))
	return k[:]
}

func keySeq(k []byte) (int64, bool) {
	if len(k) != 8 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(k)), true
}

// decodeStored decodes one stored value (copying nothing it keeps: proto
// Unmarshal copies bytes fields and strings).
func decodeStored(k, v []byte) (*dsarv1.AuditEvent, error) {
	ev := &dsarv1.AuditEvent{}
	if err := proto.Unmarshal(v, ev); err != nil {
		seq, _ := keySeq(k)
		return nil, fmt.Errorf("audit: decode event %d: %w", seq, err)
	}
	return ev, nil
}
