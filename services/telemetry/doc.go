// Package telemetry configures OpenTelemetry tracing from the standard
// OTEL_* environment variables and provides the JSON slog logger whose lines
// carry the trace_id and span_id of the current span.
//
// Nothing here records personal data: spans get route templates and ids,
// never URLs with queries or bodies, and a scrubbing processor drops the few
// attribute keys (url.full, url.query, …) that must never be exported even
// if some instrumentation sets them.
package telemetry
