package audit

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

func appendN(t *testing.T, l *Log, n int) {
	t.Helper()
	for i := range n {
		ev := &dsarv1.AuditEvent{
			Type:       dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_CREATED,
			RequestId:  fmt.Sprintf("r%d", i%3),
			TenantId:   fmt.Sprintf("t%d", i%2),
			CustomerId: fmt.Sprintf("c%d", i%4),
			Attributes: map[string]string{"i": fmt.Sprint(i), "b": "x", "a": "y"},
			ContactIds: []int64{int64(i)},
		}
		if err := l.Append(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAppendFillsFields(t *testing.T) {
	l := New(openStore(t))
	tests := []struct {
		name      string
		ctx       context.Context
		wantActor string
		wantRole  dsarv1.Role
	}{
		{"system", context.Background(), SystemActor, authn.System.Role},
		{"principal", authn.WithPrincipal(context.Background(), authn.Principal{KeyID: "k1", Role: dsarv1.Role_ROLE_CUSTOMER, CustomerID: "c"}), "k1", dsarv1.Role_ROLE_CUSTOMER},
	}
	prev := ""
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := &dsarv1.AuditEvent{Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_CREATED, Actor: "forged", Sequence: 99, Hash: "forged"}
			if err := l.Append(tc.ctx, ev); err != nil {
				t.Fatal(err)
			}
			if ev.GetSequence() != int64(i+1) || ev.GetActor() != tc.wantActor || ev.GetActorRole() != tc.wantRole {
				t.Fatalf("got seq %d actor %q role %v", ev.GetSequence(), ev.GetActor(), ev.GetActorRole())
			}
			if ev.GetPrevHash() != prev || len(ev.GetHash()) != 64 || ev.GetTime() == nil {
				t.Fatalf("bad chain fields: %+v", ev)
			}
			prev = ev.GetHash()
		})
	}
}

func TestVerifyOK(t *testing.T) {
	tests := []struct{ n int }{{0}, {1}, {57}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			l := New(openStore(t))
			appendN(t, l, tc.n)
			res, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if !res.GetOk() || res.GetEventsChecked() != int64(tc.n) || res.GetFirstBadSequence() != 0 {
				t.Fatalf("verify: %v", res)
			}
			if (tc.n == 0) != (res.GetHeadHash() == "") {
				t.Fatalf("head hash %q", res.GetHeadHash())
			}
		})
	}
}

// rewrite edits event seq's stored bytes directly in bbolt.
func rewrite(t *testing.T, s *tenants.Store, seq int64, fn func(k, v []byte, b *bolt.Bucket) error) {
	t.Helper()
	err := s.Update(context.Background(), "test.tamper", func(tx *bolt.Tx) error {
		b := tx.Bucket(tenants.BucketAudit)
		k := seqKey(seq)
		v := append([]byte(nil), b.Get(k)...)
		return fn(k, v, b)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name    string
		seq     int64
		wantBad int64
		tamper  func(k, v []byte, b *bolt.Bucket) error
	}{
		{"flip a byte", 7, 7, func(k, v []byte, b *bolt.Bucket) error {
			v[len(v)/2] ^= 0x01
			return b.Put(k, v)
		}},
		{"change a field", 4, 4, func(k, v []byte, b *bolt.Bucket) error {
			ev := &dsarv1.AuditEvent{}
			if err := proto.Unmarshal(v, ev); err != nil {
				return err
			}
			ev.TenantId = "someone-else"
			nv, err := proto.Marshal(ev)
			if err != nil {
				return err
			}
			return b.Put(k, nv)
		}},
		{"rehash one event", 5, 6, func(k, v []byte, b *bolt.Bucket) error {
			ev := &dsarv1.AuditEvent{}
			if err := proto.Unmarshal(v, ev); err != nil {
				return err
			}
			ev.Actor = "mallory"
			h, err := Hash(ev)
			if err != nil {
				return err
			}
			ev.Hash = h
			nv, err := proto.Marshal(ev)
			if err != nil {
				return err
			}
			return b.Put(k, nv)
		}},
		{"delete an event", 3, 3, func(k, _ []byte, b *bolt.Bucket) error { return b.Delete(k) }},
		{"garbage", 9, 9, func(k, _ []byte, b *bolt.Bucket) error { return b.Put(k, []byte{0xff, 0xff, 0xff}) }},
		{"truncate value", 2, 2, func(k, v []byte, b *bolt.Bucket) error { return b.Put(k, v[:len(v)-3]) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openStore(t)
			l := New(s)
			appendN(t, l, 10)
			rewrite(t, s, tc.seq, tc.tamper)
			res, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if res.GetOk() || res.GetFirstBadSequence() != tc.wantBad {
				t.Fatalf("verify after tampering: %v, want first bad %d", res, tc.wantBad)
			}
		})
	}
}

func TestConcurrentAppend(t *testing.T) {
	l := New(openStore(t))
	const workers, each = 16, 25
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := authn.WithPrincipal(context.Background(), authn.Principal{KeyID: fmt.Sprintf("k%d", w), Role: dsarv1.Role_ROLE_OPERATOR})
			for range each {
				if err := l.Append(ctx, &dsarv1.AuditEvent{Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_TENANT_VERIFIED}); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	res, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !res.GetOk() || res.GetEventsChecked() != workers*each {
		t.Fatalf("verify: %v", res)
	}
	evs, next, err := l.List(context.Background(), Filter{}, MaxPageSize, "")
	if err != nil || next != "" {
		t.Fatalf("list: %v %q", err, next)
	}
	for i, ev := range evs {
		if ev.GetSequence() != int64(i+1) {
			t.Fatalf("gap at %d: %d", i, ev.GetSequence())
		}
	}
}

func TestAppendTxRollsBackWithCaller(t *testing.T) {
	s := openStore(t)
	l := New(s)
	appendN(t, l, 2)
	boom := errors.New("boom")
	err := s.Update(context.Background(), "test", func(tx *bolt.Tx) error {
		if err := l.AppendTx(context.Background(), tx, &dsarv1.AuditEvent{Type: dsarv1.AuditEventType_AUDIT_EVENT_TYPE_REQUEST_CANCELLED}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	err = s.View(context.Background(), "test", func(tx *bolt.Tx) error {
		return l.AppendTx(context.Background(), tx, &dsarv1.AuditEvent{})
	})
	if err == nil {
		t.Fatal("AppendTx in a read-only transaction succeeded")
	}
	appendN(t, l, 1)
	res, err := l.Verify(context.Background())
	if err != nil || !res.GetOk() || res.GetEventsChecked() != 3 {
		t.Fatalf("verify: %v %v", res, err)
	}
}
