package access

import _ "embed"

// dataSchema is schema/data.schema.json of every package: the JSON Schema
// of tenants/<tenantId>/data.json, schema version SchemaVersion.
//
//go:embed data.schema.json
var dataSchema []byte

// DataSchema returns a copy of the JSON Schema of data.json.
func DataSchema() []byte { return append([]byte(nil), dataSchema...) }
