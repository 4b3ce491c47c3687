package tenants

// Bucket names. Every bucket in the file is declared here and created by
// Open; no other package creates buckets.
var (
	// BucketMeta holds the schema version and service-wide settings.
	BucketMeta = []byte("meta")
	// BucketTenants maps tenant_id to a storagev1.TenantRecord.
	BucketTenants = []byte("tenants")
	// BucketAPIKeys maps key_id to a storagev1.ApiKeyRecord.
	BucketAPIKeys = []byte("api_keys")
	// BucketAPIKeyHashes maps sha256(secret) to key_id.
	BucketAPIKeyHashes = []byte("api_key_hashes")
	// BucketRequests maps request_id to a storagev1.RequestRecord.
	BucketRequests = []byte("requests")
	// BucketTasks maps request_id 0x00 tenant_id to a storagev1.TaskRecord.
	BucketTasks = []byte("tasks")
	// BucketIdempotency maps principal 0x00 idempotency_key to request_id.
	BucketIdempotency = []byte("idempotency")
	// BucketActiveSubjects maps subject_ref 0x00 type to request_id while a
	// request for that subject runs.
	BucketActiveSubjects = []byte("active_subjects")
	// BucketAudit maps a big-endian sequence number to a dsarv1.AuditEvent.
	BucketAudit = []byte("audit")
	// BucketPackages maps request_id to a storagev1.PackageRecord.
	BucketPackages = []byte("packages")
)

// allBuckets is the registry Open creates.
var allBuckets = [][]byte{
	BucketMeta, BucketTenants, BucketAPIKeys, BucketAPIKeyHashes, BucketRequests,
	BucketTasks, BucketIdempotency, BucketActiveSubjects, BucketAudit, BucketPackages,
}

// SchemaVersion is the on-disk format version this code reads and writes.
const SchemaVersion = 1

var keySchemaVersion = []byte("schema_version")
