package telemetry

import (
	"context"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.26.0"
)

// TracingConfig says where spans go. Endpoint and TracesEndpoint carry the standard
// OTEL_EXPORTER_OTLP_ENDPOINT (a base URL; spans go to its /v1/traces) and
// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the full URL for spans; it wins) settings.
type TracingConfig struct {
	Service        string
	Endpoint       string
	TracesEndpoint string
}

// Enabled reports whether an OTLP endpoint is configured.
func (c TracingConfig) Enabled() bool { return c.Endpoint != "" || c.TracesEndpoint != "" }

// url is the URL spans are posted to.
func (c TracingConfig) url() string {
	if c.TracesEndpoint != "" {
		return c.TracesEndpoint
	}
	return strings.TrimSuffix(c.Endpoint, "/") + "/v1/traces"
}

// SetupTracing exports spans over OTLP/HTTP when configured; otherwise it leaves OpenTelemetry's
// no-op provider in place, so tracing costs nothing. The returned function flushes and stops.
func SetupTracing(ctx context.Context, c TracingConfig) (func(context.Context) error, error) {
	if !c.Enabled() {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(c.url()))
	if err != nil {
		return nil, err
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL, semconv.ServiceName(c.Service)))
	if err != nil {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	otel.SetTracerProvider(tp)
	return tp.Shutdown, nil
}
