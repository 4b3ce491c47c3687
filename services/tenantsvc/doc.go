// Package tenantsvc implements dsarv1.TenantServiceServer over the tenant
// registry (package tenants).
//
// Every handler first takes the caller from authn.FromContext and checks the
// role, then validates the input, then touches the store. Operators may do
// everything; auditors and customer keys may only read (GetTenant,
// ListTenants), and a customer key sees only its own customer's tenants:
// another customer's tenant is NOT_FOUND with exactly the message of a
// missing one, and ListTenants silently filters to the caller's customer (a
// customerId filter naming another customer yields an empty page rather
// than an error, so it reveals nothing either way).
//
// Credentials are write-only: no response carries basic_auth or oauth2, only
// the CredentialInfo the store derives. Changes are audited through the
// Auditor interface, with field names but never values.
package tenantsvc
