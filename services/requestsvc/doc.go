// Package requestsvc is the gRPC RequestService over the request engine: a
// thin mapping of each RPC to an engine call, WatchRequest included. The
// engine does the authorisation, validation and error classification; its
// *errs.Error values are mapped to gRPC status by the error interceptor.
package requestsvc
