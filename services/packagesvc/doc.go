// Package packagesvc serves access packages (services/access) as
// dsarv1.PackageServiceServer: GET /v1/requests/{requestId}/package streams
// the decrypted zip as google.api.HttpBody messages of at most 64 KiB,
// content type application/zip.
//
// The caller must be allowed to read the request (RequestReader.Get
// enforces the role and customer rules); auditor keys may not download,
// because a package is subject data. Every download is recorded in the
// audit trail (PACKAGE_DOWNLOADED, with the caller as actor) before the
// first byte is sent, and counted in the package's info.
package packagesvc
