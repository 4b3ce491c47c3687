// Package apikeysvc implements dsarv1.ApiKeyServiceServer: operators create,
// list and revoke the bearer keys callers authenticate with. A key's secret
// ("mdsar_" + base64url of 32 random bytes) is returned once, by
// CreateApiKey, and stored only as its SHA-256 hash (package tenants).
package apikeysvc
