package graph

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"regexp"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// RequestObserver hears about every GraphQL operation (metrics).
type RequestObserver interface {
	ObserveRequest(operation, outcome string, d time.Duration)
}

type requestIDKey struct{}

var requestIDSyntax = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID keeps a well-formed X-Request-Id from the client, or makes one.
func requestID(header string) string {
	if requestIDSyntax.MatchString(header) {
		return header
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RequestID returns the request's id ("" outside a request).
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// operationName is the operation type and its first root field ("mutation payOrder"): bounded
// by the schema, unlike the client-chosen operation name.
func operationName(ctx context.Context) (string, bool) {
	if !graphql.HasOperationContext(ctx) {
		return "invalid", false
	}
	oc := graphql.GetOperationContext(ctx)
	if oc.Operation == nil {
		return "invalid", false
	}
	name := string(oc.Operation.Operation)
	for _, sel := range oc.Operation.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			name += " " + f.Name
			break
		}
	}
	return name, oc.Operation.Operation == ast.Subscription
}

// outcome classifies a response: ok, user_error, or the first error's code.
func outcome(resp *graphql.Response) string {
	if len(resp.Errors) > 0 {
		if c, ok := resp.Errors[0].Extensions["code"].(string); ok {
			return c
		}
		return "error"
	}
	if bytes.Contains(resp.Data, []byte(`"userErrors":[{`)) {
		return "user_error"
	}
	return "ok"
}

// logResponses adds extensions.requestId to every response, writes one log line per operation
// (request id, principal, operation, duration, outcome; never variables) and reports it.
func logResponses(log *slog.Logger, obs RequestObserver) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		id := RequestID(ctx)
		if resp.Extensions == nil {
			resp.Extensions = map[string]any{}
		}
		resp.Extensions["requestId"] = id
		op, subscription := operationName(ctx)
		if subscription {
			return resp
		}
		var took time.Duration
		if graphql.HasOperationContext(ctx) {
			took = time.Since(graphql.GetOperationContext(ctx).Stats.OperationStart)
		}
		out := outcome(resp)
		log.InfoContext(ctx, "graphql", "request_id", id, "principal", ActorFrom(ctx).Principal(), "operation", op,
			"duration_ms", took.Milliseconds(), "outcome", out)
		if obs != nil {
			obs.ObserveRequest(op, out, took)
		}
		return resp
	}
}

var tracer = otel.Tracer("kjb/graph")

// traceOperations makes one span per GraphQL operation, named by its type and first root
// field; variables are never recorded.
func traceOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	name, subscription := operationName(ctx)
	ctx, span := tracer.Start(ctx, "graphql "+name, trace.WithAttributes(attribute.String("kjb.request_id", RequestID(ctx))))
	handler := next(ctx)
	if subscription {
		span.End()
		return handler
	}
	return func(ctx context.Context) *graphql.Response {
		resp := handler(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			span.SetStatus(codes.Error, outcome(resp))
		}
		span.End()
		return resp
	}
}
