package audit

import (
	"context"
	"strconv"

	bolt "go.etcd.io/bbolt"

	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// Page sizes of List.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// pageKind names audit page tokens so tokens of other listings are refused.
const pageKind = "audit"

// Filter selects events; empty fields match everything.
type Filter struct {
	// RequestID keeps only events of this request.
	RequestID string
	// TenantID keeps only events of this tenant.
	TenantID string
	// CustomerID keeps only events whose customer_id equals it ("" = all).
	CustomerID string
}

// Match reports whether ev passes f.
func (f Filter) Match(ev *dsarv1.AuditEvent) bool {
	return (f.RequestID == "" || ev.GetRequestId() == f.RequestID) &&
		(f.TenantID == "" || ev.GetTenantId() == f.TenantID) &&
		(f.CustomerID == "" || ev.GetCustomerId() == f.CustomerID)
}

// ErrBadPageToken is returned by List for a token it did not make.
var ErrBadPageToken = errBadPageToken{}

type errBadPageToken struct{}

func (errBadPageToken) Error() string {
	return "audit: page token is not from a previous listing of audit events"
}

// List returns up to pageSize events matching f, oldest first, starting
// after pageToken, and the token of the next page ("" on the last page).
// pageSize <= 0 means DefaultPageSize; above MaxPageSize it is capped.
func (l *Log) List(ctx context.Context, f Filter, pageSize int, pageToken string) ([]*dsarv1.AuditEvent, string, error) {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	pageSize = min(pageSize, MaxPageSize)
	var after int64
	if pageToken != "" {
		s, err := validate.DecodePageToken(pageKind, pageToken)
		if err != nil {
			return nil, "", ErrBadPageToken
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return nil, "", ErrBadPageToken
		}
		after = n
	}
	var out []*dsarv1.AuditEvent
	next := ""
	err := l.store.View(ctx, "audit.List", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketAudit).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			ev, err := decodeStored(k, v)
			if err != nil {
				return err
			}
			if !f.Match(ev) {
				continue
			}
			if len(out) == pageSize {
				// There is at least one more match: continue after the last
				// returned event.
				next = validate.EncodePageToken(pageKind, strconv.FormatInt(out[len(out)-1].GetSequence(), 10))
				return nil
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return out, next, nil
}
