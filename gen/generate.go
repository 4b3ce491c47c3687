// Package gen holds the code generated from proto/ (committed, never edited by
// hand) and the embedded OpenAPI document. Regenerate with `go generate ./gen`
// from the repository root.
package gen

//go:generate sh -c "cd .. && go run github.com/bufbuild/buf/cmd/buf@v1.75.0 generate"
