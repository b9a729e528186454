package telemetry

import "testing"

func TestTracingConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c       TracingConfig
		enabled bool
		url     string
	}{
		{TracingConfig{}, false, ""},
		{TracingConfig{Endpoint: "http://collector:4318"}, true, "http://collector:4318/v1/traces"},
		{TracingConfig{Endpoint: "http://collector:4318/"}, true, "http://collector:4318/v1/traces"},
		{TracingConfig{TracesEndpoint: "https://otel.example/traces"}, true, "https://otel.example/traces"},
		{TracingConfig{Endpoint: "http://collector:4318", TracesEndpoint: "https://otel.example/traces"}, true, "https://otel.example/traces"},
	}
	for _, tc := range tests {
		if got := tc.c.Enabled(); got != tc.enabled {
			t.Errorf("%+v: enabled %v, want %v", tc.c, got, tc.enabled)
		}
		if tc.enabled && tc.c.url() != tc.url {
			t.Errorf("%+v: spans to %q, want %q", tc.c, tc.c.url(), tc.url)
		}
	}
}
