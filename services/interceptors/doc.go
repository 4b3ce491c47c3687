// Package interceptors holds the gRPC server interceptor chain, unary and
// stream alike, in this order (outermost first):
//
//  1. recovery: a panic becomes codes.Internal "internal error"; the stack is
//     logged with the trace_id.
//  2. request id: accepts or generates x-request-id and echoes it as a
//     response header.
//  3. logging: one slog line per finished call (method, code, duration,
//     tenant/request ids when the request has them), never payloads.
//  4. authentication: the bearer key from the "authorization" metadata
//     becomes an authn.Principal in the context; health and reflection are
//     exempt.
//  5. error mapping (innermost): *errs.Error becomes a status with the
//     canonical code and google.rpc.ErrorInfo / BadRequest / RetryInfo
//     details; context errors keep their codes; anything else becomes
//     Internal "internal error" with the cause logged, never returned.
//
// The otelgrpc stats handler (services/telemetry) runs before all of them,
// so every interceptor already sees the server span.
package interceptors
