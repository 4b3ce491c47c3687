// Package validate holds the service's shared input validators: identifiers
// (tenants, customers, API keys), subject emails, Mautic base URLs, labels
// and label selectors, free text, and opaque page tokens.
//
// Every validator returns a plain error whose text is a complete, helpful
// description of what is wrong that never echoes the input: an input may be
// a subject's email or a URL with credentials in it. Handlers wrap the
// error into a field violation (services/errs) under the field's JSON name.
package validate
