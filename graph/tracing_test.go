package graph_test

import (
	"strings"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// TestOperationSpans: each GraphQL operation makes one span named by its type and root field,
// and no variable value reaches the span.
func TestOperationSpans(t *testing.T) {
	t.Parallel()
	spans := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	e := New(t)
	id, _ := e.Account("Traced")
	e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": id,
		"amount": map[string]any{"amount": "12.34", "currency": "USD"}, "reference": "secret-reference-987"})
	var found bool
	for _, s := range spans.GetSpans() {
		if s.Name == "graphql mutation topUp" {
			found = true
		}
		for _, a := range s.Attributes {
			if strings.Contains(a.Value.Emit(), "secret-reference-987") {
				t.Fatalf("span %s records a variable: %v", s.Name, a)
			}
		}
	}
	if !found {
		t.Fatalf("no span for the topUp operation among %d spans", len(spans.GetSpans()))
	}
}
