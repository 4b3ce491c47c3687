package tenants

import "errors"

// ErrNotFound is returned when a tenant, key or record does not exist.
var ErrNotFound = errors.New("not found")

// ErrAlreadyExists is returned when creating something whose id is taken.
var ErrAlreadyExists = errors.New("already exists")

// ErrInvalid is returned when an argument breaks the store's own rules (an
// id outside the safe charset, missing or doubled credentials, a page token
// that was not made by the store, a change of an immutable field). Handlers
// validate first and report field violations; this is the store's backstop.
var ErrInvalid = errors.New("invalid argument")

func isDomainError(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrAlreadyExists) || errors.Is(err, ErrInvalid)
}
