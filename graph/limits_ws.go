package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// limiters are the rate limits one API process applies: requests per key (or per client
// address when anonymous), and failed authentications per client address.
type limiters struct {
	requests, authFailures *rateLimiter
}

func newLimiters(cfg ServerConfig) limiters {
	return limiters{
		requests:     newRateLimiter(cfg.RatePerSecond, cfg.RateBurst),
		authFailures: newRateLimiter(cfg.AuthFailuresPerMinute/60, cfg.AuthFailureBurst),
	}
}

type clientAddrKey struct{}
type websocketKey struct{}

func withClientAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientAddrKey{}, addr)
}

func clientAddrFrom(ctx context.Context) string {
	a, _ := ctx.Value(clientAddrKey{}).(string)
	return a
}

func viaWebsocket(ctx context.Context) bool { return ctx.Value(websocketKey{}) != nil }

// rateKey is whom a request counts against: its key's principal, or its client address.
func rateKey(ctx context.Context) string {
	if a := ActorFrom(ctx); !a.IsAnonymous() {
		return a.Principal()
	}
	return "ip:" + clientAddrFrom(ctx)
}

// limitWebsocketOperations takes a token from the caller's bucket for every query, mutation
// and subscription started over a WebSocket, the same bucket its HTTP requests use (those are
// counted before they reach the GraphQL server).
func limitWebsocketOperations(l *rateLimiter) graphql.OperationMiddleware {
	return func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if viaWebsocket(ctx) {
			if wait, ok := l.allow(rateKey(ctx)); !ok {
				return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{
					Message:    "too many requests: retry after " + wait + "s",
					Extensions: map[string]any{"code": string(domain.CodeRateLimited)}}}})
			}
		}
		return next(ctx)
	}
}
