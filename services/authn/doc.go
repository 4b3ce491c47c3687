// Package authn turns a bearer key into a Principal and carries it in the
// context. The Authenticator knows the bootstrap operator key (from the
// environment, never stored) and asks a KeyStore for stored keys, which are
// kept only as SHA-256 hashes.
package authn
