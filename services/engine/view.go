package engine

import (
	"context"
	"errors"
	"slices"

	bolt "go.etcd.io/bbolt"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/services/authn"
	"github.com/mautic-dsar/mautic-dsar/services/errs"
	"github.com/mautic-dsar/mautic-dsar/services/validate"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// List page sizes.
const (
	defaultPageSize = 50
	maxPageSize     = 500
	pageTokenKind   = "requests"
)

// caller returns the authenticated principal or UNAUTHENTICATED.
func caller(ctx context.Context) (authn.Principal, error) {
	p, ok := authn.FromContext(ctx)
	if !ok || p.Role == dsarv1.Role_ROLE_UNSPECIFIED {
		return authn.Principal{}, errs.Unauthenticated()
	}
	return p, nil
}

// canSee reports whether p may read r: operators and auditors every
// request, customers only requests that target their tenants alone.
func canSee(p authn.Principal, r *dsarv1.Request) bool {
	switch {
	case p.IsOperator(), p.IsAuditor():
		return true
	case p.IsCustomer():
		ids := r.GetCustomerIds()
		return p.CustomerID != "" && len(ids) == 1 && ids[0] == p.CustomerID
	}
	return false
}

func requestNotFound(id string) error {
	return errs.NotFound(dsarv1.ErrorReason_ERROR_REASON_REQUEST_NOT_FOUND, "request", id)
}

// load reads a request with its tasks (and, for access requests, its
// package) without authorisation checks.
func (e *Engine) load(ctx context.Context, requestID string) (*dsarv1.Request, *storagev1.RequestRecord, error) {
	var view *dsarv1.Request
	var rec *storagev1.RequestRecord
	err := e.store.View(ctx, "engine.get", func(tx *bolt.Tx) error {
		req, tasks, err := loadTx(tx, requestID)
		if err != nil {
			return err
		}
		rec, view = req, viewOf(req, tasks)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	e.addPackage(ctx, view)
	return view, rec, nil
}

// addPackage sets the package of a terminal access request.
func (e *Engine) addPackage(ctx context.Context, r *dsarv1.Request) {
	if r.GetType() != dsarv1.RequestType_REQUEST_TYPE_ACCESS || e.o.Access == nil || !RequestTerminal(r.GetState()) {
		return
	}
	info, err := e.o.Access.Info(ctx, r.GetRequestId())
	if err != nil || info == nil {
		info = &dsarv1.PackageInfo{Reason: "not ready"}
	}
	r.Package = info
}

// Get returns a request with its tasks, if the caller may see it; other
// customers' requests are NOT_FOUND like missing ones.
func (e *Engine) Get(ctx context.Context, requestID string) (*dsarv1.Request, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, err
	}
	if !validRequestID(requestID) {
		return nil, requestNotFound(requestID)
	}
	view, _, err := e.load(ctx, requestID)
	if errors.Is(err, errNoRecord) {
		return nil, requestNotFound(requestID)
	}
	if err != nil {
		return nil, errs.Internal(err)
	}
	if !canSee(p, view) {
		return nil, requestNotFound(requestID)
	}
	return view, nil
}

// List pages through the requests the caller may see, newest first,
// optionally only those in one state or of one customer.
func (e *Engine) List(ctx context.Context, in *dsarv1.ListRequestsRequest) ([]*dsarv1.Request, string, error) {
	p, err := caller(ctx)
	if err != nil {
		return nil, "", err
	}
	var bad []errs.FieldViolation
	size := int(in.GetPageSize())
	switch {
	case size < 0:
		bad = append(bad, errs.FieldViolation{Field: "pageSize", Description: "must not be negative"})
	case size == 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
	if _, ok := dsarv1.RequestState_name[int32(in.GetState())]; !ok {
		bad = append(bad, errs.FieldViolation{Field: "state", Description: "is not a known request state"})
	}
	cust := in.GetCustomerId()
	if cust != "" {
		if err := validate.CustomerID(cust); err != nil {
			bad = append(bad, errs.FieldViolation{Field: "customerId", Description: err.Error()})
		}
	}
	after, err := validate.DecodePageToken(pageTokenKind, in.GetPageToken())
	if err != nil {
		bad = append(bad, errs.FieldViolation{Field: "pageToken", Description: err.Error()})
	}
	if len(bad) > 0 {
		return nil, "", errs.Invalid(bad...)
	}
	if p.IsCustomer() && cust != "" && cust != p.CustomerID {
		return nil, "", errs.PermissionDenied("a customer key lists only its own customer's requests")
	}
	var out []*dsarv1.Request
	next := ""
	err = e.store.View(ctx, "engine.list", func(tx *bolt.Tx) error {
		c := tx.Bucket(tenants.BucketRequests).Cursor()
		var k, v []byte
		if after == "" {
			k, v = c.Last()
		} else {
			if sk, _ := c.Seek([]byte(after)); sk == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil; k, v = c.Prev() {
			rec := &storagev1.RequestRecord{}
			if err := unmarshal(v, rec); err != nil {
				return err
			}
			r := rec.GetRequest()
			if !canSee(p, r) || (in.GetState() != 0 && r.GetState() != in.GetState()) ||
				(cust != "" && !slices.Contains(r.GetCustomerIds(), cust)) {
				continue
			}
			if len(out) == size {
				next = validate.EncodePageToken(pageTokenKind, out[len(out)-1].GetRequestId())
				return nil
			}
			_, tasks, err := loadTx(tx, r.GetRequestId())
			if err != nil {
				return err
			}
			out = append(out, viewOf(rec, tasks))
		}
		return nil
	})
	if err != nil {
		return nil, "", errs.Internal(err)
	}
	for _, r := range out {
		e.addPackage(ctx, r)
	}
	return out, next, nil
}
