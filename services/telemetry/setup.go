package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"go.opentelemetry.io/contrib/exporters/autoexport"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
)

// ServiceName is the default service.name resource attribute
// (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override it).
const ServiceName = "mautic-dsar"

// Options tunes Setup. The zero value reads everything from the environment.
type Options struct {
	// ServiceVersion is recorded as service.version when not empty.
	ServiceVersion string
	// Exporter replaces the exporter chosen from OTEL_TRACES_EXPORTER.
	Exporter sdktrace.SpanExporter
	// Processors are added (behind the scrubber) in addition to the
	// exporter's batcher; tests pass a tracetest.SpanRecorder here.
	Processors []sdktrace.SpanProcessor
	// Logger receives OpenTelemetry's own errors (export failures); nil
	// leaves the SDK's default handler in place.
	Logger *slog.Logger
	// SetGlobal installs the provider and propagators as the process-wide
	// defaults (otel.SetTracerProvider, otel.SetTextMapPropagator).
	SetGlobal bool
}

// Propagator is the W3C TraceContext + Baggage propagator the service uses.
func Propagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// Setup builds the tracer provider. The exporter comes from
// OTEL_TRACES_EXPORTER (otlp, console, none) via autoexport; when that
// variable is unset, OTLP is used if an OTEL_EXPORTER_OTLP_*ENDPOINT is set
// and nothing is exported otherwise (so a bare start does not spam
// connection errors). The sampler is the SDK's: OTEL_TRACES_SAMPLER, default
// parentbased_always_on. The returned shutdown flushes and then shuts the
// provider down; call it with a deadline.
func Setup(ctx context.Context, o Options) (*sdktrace.TracerProvider, func(context.Context) error, error) {
	res, err := resource.New(ctx,
		resource.WithAttributes(serviceAttrs(o.ServiceVersion)...),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if err != nil && res == nil {
		return nil, nil, fmt.Errorf("telemetry: resource: %w", err)
	}
	exp := o.Exporter
	if exp == nil {
		exp, err = autoexport.NewSpanExporter(ctx, autoexport.WithFallbackSpanExporter(fallbackExporter))
		if err != nil {
			return nil, nil, fmt.Errorf("telemetry: OTEL_TRACES_EXPORTER: %w", err)
		}
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res)}
	if !autoexport.IsNoneSpanExporter(exp) && exp != nil {
		opts = append(opts, sdktrace.WithSpanProcessor(Scrub(sdktrace.NewBatchSpanProcessor(exp))))
	}
	for _, p := range o.Processors {
		opts = append(opts, sdktrace.WithSpanProcessor(Scrub(p)))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	if o.SetGlobal {
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(Propagator())
		if o.Logger != nil {
			l := o.Logger
			otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
				l.Warn("opentelemetry error", "error", err.Error())
			}))
		}
	}
	shutdown := func(ctx context.Context) error {
		return errors.Join(tp.ForceFlush(ctx), tp.Shutdown(ctx))
	}
	return tp, shutdown, nil
}

func serviceAttrs(version string) []attribute.KeyValue {
	a := []attribute.KeyValue{semconv.ServiceName(ServiceName)}
	if version != "" {
		a = append(a, semconv.ServiceVersion(version))
	}
	return a
}

// fallbackExporter is used when OTEL_TRACES_EXPORTER is unset.
func fallbackExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	for _, k := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"} {
		if os.Getenv(k) != "" {
			return autoexport.NewSpanExporter(ctx) // otlp, the spec default
		}
	}
	return nil, nil
}
