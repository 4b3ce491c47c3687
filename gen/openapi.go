package gen

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI v2 document generated from the protos.
//
//go:embed openapiv2/dsar.swagger.json
var OpenAPI []byte

// ServeOpenAPI writes the OpenAPI document; it needs no authentication.
func ServeOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(OpenAPI)
}
