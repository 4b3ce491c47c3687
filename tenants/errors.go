package tenants

import "errors"

// ErrNotFound is returned when a tenant, key or record does not exist.
var ErrNotFound = errors.New("not found")

// ErrAlreadyExists is returned when creating something whose id is taken.
var ErrAlreadyExists = errors.New("already exists")

func isDomainError(err error) bool {
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrAlreadyExists)
}
