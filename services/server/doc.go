// Package server runs the service: one gRPC server (all services, health,
// reflection, the interceptor chain of services/interceptors) on one
// listener, and the REST gateway on a second listener. The gateway dials the
// gRPC listener like any client, so every interceptor runs exactly once for
// both REST and gRPC calls and a REST call yields a single trace (otelhttp →
// otelgrpc client → otelgrpc server).
//
// The gateway speaks protojson (lowerCamelCase, zero values included,
// unknown fields rejected), answers errors as google.rpc.Status JSON with
// Internal messages scrubbed and Retry-After set from RetryInfo, caps request
// bodies, streams google.api.HttpBody responses as raw bytes, and serves
// /healthz and /openapi.json without authentication.
package server
