package engine

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

	storagev1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/storage/v1"
	dsarv1 "github.com/mautic-dsar/mautic-dsar/gen/go/dsar/v1"
	"github.com/mautic-dsar/mautic-dsar/tenants"
)

// errNoRecord is returned when a request or task record does not exist.
var errNoRecord = errors.New("engine: record not found")

// taskKey is the tasks-bucket key: request_id 0x00 tenant_id.
func taskKey(requestID, tenantID string) []byte {
	return []byte(requestID + "\x00" + tenantID)
}

// taskPrefix is the prefix of every task key of a request.
func taskPrefix(requestID string) []byte { return []byte(requestID + "\x00") }

// activeKey is the active_subjects key: subject_key 0x00 type 0x00 tenant.
func activeKey(subjectKey string, t dsarv1.RequestType, tenantID string) []byte {
	return []byte(fmt.Sprintf("%s\x00%d\x00%s", subjectKey, int32(t), tenantID))
}

// idemKey is the idempotency key: scope 0x00 key.
func idemKey(scope, key string) []byte { return []byte(scope + "\x00" + key) }

func getRequest(tx *bolt.Tx, requestID string) (*storagev1.RequestRecord, error) {
	v := tx.Bucket(tenants.BucketRequests).Get([]byte(requestID))
	if v == nil {
		return nil, errNoRecord
	}
	rec := &storagev1.RequestRecord{}
	if err := proto.Unmarshal(v, rec); err != nil {
		return nil, fmt.Errorf("engine: decode request record: %w", err)
	}
	return rec, nil
}

func putRequest(tx *bolt.Tx, rec *storagev1.RequestRecord) error {
	b, err := proto.Marshal(rec)
	if err != nil {
		return fmt.Errorf("engine: encode request record: %w", err)
	}
	return tx.Bucket(tenants.BucketRequests).Put([]byte(rec.GetRequest().GetRequestId()), b)
}

func getTask(tx *bolt.Tx, requestID, tenantID string) (*storagev1.TaskRecord, error) {
	v := tx.Bucket(tenants.BucketTasks).Get(taskKey(requestID, tenantID))
	if v == nil {
		return nil, errNoRecord
	}
	return decodeTask(v)
}

func decodeTask(v []byte) (*storagev1.TaskRecord, error) {
	rec := &storagev1.TaskRecord{}
	if err := proto.Unmarshal(v, rec); err != nil {
		return nil, fmt.Errorf("engine: decode task record: %w", err)
	}
	return rec, nil
}

func putTask(tx *bolt.Tx, rec *storagev1.TaskRecord) error {
	b, err := proto.Marshal(rec)
	if err != nil {
		return fmt.Errorf("engine: encode task record: %w", err)
	}
	return tx.Bucket(tenants.BucketTasks).Put(taskKey(rec.GetRequestId(), rec.GetTask().GetTenantId()), b)
}

// eachTask calls fn for every task record of a request, ordered by tenant.
func eachTask(tx *bolt.Tx, requestID string, fn func(*storagev1.TaskRecord) error) error {
	c := tx.Bucket(tenants.BucketTasks).Cursor()
	p := taskPrefix(requestID)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		rec, err := decodeTask(v)
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

func unmarshal(v []byte, m proto.Message) error {
	if err := proto.Unmarshal(v, m); err != nil {
		return fmt.Errorf("engine: decode record: %w", err)
	}
	return nil
}

// viewOf assembles the public request from its records (copies).
func viewOf(req *storagev1.RequestRecord, tasks []*storagev1.TaskRecord) *dsarv1.Request {
	r := proto.Clone(req.GetRequest()).(*dsarv1.Request)
	r.Tasks = make([]*dsarv1.Task, 0, len(tasks))
	for _, t := range tasks {
		r.Tasks = append(r.Tasks, proto.Clone(t.GetTask()).(*dsarv1.Task))
	}
	return r
}

// loadTx reads a request and its tasks inside tx.
func loadTx(tx *bolt.Tx, requestID string) (*storagev1.RequestRecord, []*storagev1.TaskRecord, error) {
	req, err := getRequest(tx, requestID)
	if err != nil {
		return nil, nil, err
	}
	var tasks []*storagev1.TaskRecord
	err = eachTask(tx, requestID, func(t *storagev1.TaskRecord) error {
		tasks = append(tasks, t)
		return nil
	})
	return req, tasks, err
}
