package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/kjb/kjb/domain"
)

type actorKey struct{}

// WithActor stores the caller in the context.
func WithActor(ctx context.Context, a domain.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the caller (Anonymous when none was stored).
func ActorFrom(ctx context.Context) domain.Actor {
	a, _ := ctx.Value(actorKey{}).(domain.Actor)
	return a
}

// bearer extracts the secret of an "Authorization: Bearer <secret>" header.
func bearer(header string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	secret = strings.TrimSpace(secret)
	return secret, secret != "" && len(secret) <= 256
}

// publicFields are the root fields an anonymous caller may ask for.
var publicFields = map[string]bool{"viewer": true, "currencies": true, "fxRates": true, "feeSchedule": true, "__typename": true, "__schema": true, "__type": true}

// requireKeyForRootFields answers UNAUTHENTICATED for every non-public root field asked
// without an API key.
func requireKeyForRootFields(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc != nil && fc.Object != "" && isRoot(fc.Object) && !publicFields[fc.Field.Name] && ActorFrom(ctx).IsAnonymous() {
		return nil, domain.Unauthenticated
	}
	res, err := next(ctx)
	return res, markResolverError(err)
}

func isRoot(object string) bool {
	return object == "Query" || object == "Mutation" || object == "Subscription"
}
