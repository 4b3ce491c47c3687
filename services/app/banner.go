package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// demoSubject is the demo's sample subject, split by shell quotes in the
// printed commands ("bob'@'example.org" is bob@example.org to the shell) so
// that no subject email ever appears in one piece on stdout.
const demoSubject = `bob'@'example.org`

// printBanner tells the demo user where everything is and what to paste.
// It prints the operator key only when it was just generated (it is a demo
// credential, kept in DIR/operator.key); never the master key.
func printBanner(w io.Writer, cfg *Config, a Addrs, k keys) {
	api := "http://" + a.HTTP
	keyFile := filepath.Join(cfg.DataDir, DemoOperatorKeyFile)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("")
	p("mautic-dsar demo is running")
	p("  REST gateway  %s   (GET /healthz, GET /openapi.json)", api)
	p("  gRPC          %s   (health and reflection enabled)", a.GRPC)
	p("  emulated Mautic fleet of %d instances at %s/i/{1..%d}", DemoInstances, a.Fleet, DemoInstances)
	p("  tenants: acme-eu, acme-us (customer acme), globex-1 (customer globex)")
	if k.generated && cfg.OperatorKey == "" {
		p("")
		p("  operator key (demo credential, shown once; kept in %s):", keyFile)
		p("    %s", k.operator)
	}
	p("")
	p("Try it (bash); Ctrl-C stops the server, a restart resumes unfinished work:")
	p("")
	if cfg.OperatorKey == "" {
		p("  export KEY=\"$(cat '%s')\"", keyFile)
	} else {
		p("  export KEY=\"$MAUTIC_DSAR_OPERATOR_KEY\"")
	}
	p("  export API=%s", api)
	p("  auth=\"Authorization: Bearer $KEY\"")
	p("")
	p("  # list the tenants")
	p("  curl -s -H \"$auth\" \"$API/v1/tenants\"")
	p("")
	p("  # access request for the sample subject on acme-eu; download the package once the request shows \"package\":{\"available\":true")
	p("  ACC=$(curl -s -H \"$auth\" -X POST \"$API/v1/requests\" -d '{\"idempotencyKey\":\"demo-access-1\",\"type\":\"REQUEST_TYPE_ACCESS\",\"subject\":{\"email\":\"%s\"},\"target\":{\"tenantIds\":[\"acme-eu\"]}}' | sed -n 's/.*\"requestId\": *\"\\([^\"]*\\)\".*/\\1/p'); echo \"$ACC\"", demoSubject)
	p("  curl -s -H \"$auth\" \"$API/v1/requests/$ACC\"")
	p("  curl -s -H \"$auth\" -o access-package.zip \"$API/v1/requests/$ACC/package\" && unzip -l access-package.zip")
	p("")
	p("  # erasure request for the same subject on every acme tenant, then read it")
	p("  ERA=$(curl -s -H \"$auth\" -X POST \"$API/v1/requests\" -d '{\"idempotencyKey\":\"demo-erasure-1\",\"type\":\"REQUEST_TYPE_ERASURE\",\"subject\":{\"email\":\"%s\"},\"target\":{\"customerId\":\"acme\"}}' | sed -n 's/.*\"requestId\": *\"\\([^\"]*\\)\".*/\\1/p'); echo \"$ERA\"", demoSubject)
	p("  curl -s -H \"$auth\" \"$API/v1/requests/$ERA\"")
	p("")
	p("  # the audit trail and its verification")
	p("  curl -s -H \"$auth\" \"$API/v1/audit/events?requestId=$ERA\"")
	p("  curl -s -H \"$auth\" -X POST \"$API/v1/audit:verify\" -d '{}'")
	p("")
	_, _ = io.WriteString(w, b.String())
}
