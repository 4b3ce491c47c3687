package telemetry

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// forbiddenKeys are attribute keys that may carry personal data or secrets
// (full URLs and queries, raw headers and bodies) and are never exported.
var forbiddenKeys = map[attribute.Key]bool{
	"url.full":     true,
	"url.query":    true,
	"http.url":     true,
	"http.target":  true,
	"url.original": true,
}

// forbiddenPrefixes cover whole attribute families of raw headers, bodies
// and end-user identity.
var forbiddenPrefixes = []string{
	"http.request.header.",
	"http.response.header.",
	"http.request.body",
	"http.response.body",
	"rpc.request.metadata.",
	"rpc.response.metadata.",
	"enduser.",
}

// Forbidden reports whether an attribute key must never be exported.
func Forbidden(k attribute.Key) bool {
	if forbiddenKeys[k] {
		return true
	}
	for _, p := range forbiddenPrefixes {
		if strings.HasPrefix(string(k), p) {
			return true
		}
	}
	return false
}

// Scrub wraps next so that every ended span it sees has the Forbidden
// attributes removed (also from its events). It is a last line of defence:
// the instrumentation is configured not to record them in the first place.
func Scrub(next sdktrace.SpanProcessor) sdktrace.SpanProcessor { return scrubber{next} }

type scrubber struct{ next sdktrace.SpanProcessor }

func (s scrubber) OnStart(ctx context.Context, sp sdktrace.ReadWriteSpan) { s.next.OnStart(ctx, sp) }
func (s scrubber) OnEnd(sp sdktrace.ReadOnlySpan)                         { s.next.OnEnd(scrubSpan(sp)) }
func (s scrubber) Shutdown(ctx context.Context) error                     { return s.next.Shutdown(ctx) }
func (s scrubber) ForceFlush(ctx context.Context) error                   { return s.next.ForceFlush(ctx) }

// scrubbedSpan overrides the attribute accessors of a read-only span.
type scrubbedSpan struct {
	sdktrace.ReadOnlySpan
	attrs  []attribute.KeyValue
	events []sdktrace.Event
}

func (s scrubbedSpan) Attributes() []attribute.KeyValue { return s.attrs }
func (s scrubbedSpan) Events() []sdktrace.Event         { return s.events }

func scrubSpan(sp sdktrace.ReadOnlySpan) sdktrace.ReadOnlySpan {
	attrs, dirty := filterAttrs(sp.Attributes())
	events := sp.Events()
	var evDirty bool
	for i, ev := range events {
		a, d := filterAttrs(ev.Attributes)
		if d {
			if !evDirty {
				events = append([]sdktrace.Event(nil), events...)
				evDirty = true
			}
			events[i].Attributes = a
		}
	}
	if !dirty && !evDirty {
		return sp
	}
	return scrubbedSpan{ReadOnlySpan: sp, attrs: attrs, events: events}
}

func filterAttrs(in []attribute.KeyValue) ([]attribute.KeyValue, bool) {
	n := 0
	for _, kv := range in {
		if Forbidden(kv.Key) {
			n++
		}
	}
	if n == 0 {
		return in, false
	}
	out := make([]attribute.KeyValue, 0, len(in)-n)
	for _, kv := range in {
		if !Forbidden(kv.Key) {
			out = append(out, kv)
		}
	}
	return out, true
}
