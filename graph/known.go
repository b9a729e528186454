package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kjb/kjb/domain"
)

// known holds the orders an operation has already read or written, by raw id, so that a
// reference to one of them later in the same response is answered without reading it again
// (what a dataloader's prime does). It lives for one operation; only objects read within the
// caller's scope are put in it.
type known struct {
	mu     sync.Mutex
	orders map[string]domain.Order
}

type knownKey struct{}

// withKnownObjects gives each operation its own known objects.
func withKnownObjects(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, knownKey{}, &known{}))
}

// knowOrders records orders the operation has read or written in the caller's scope.
func knowOrders(ctx context.Context, orders ...domain.Order) {
	k, ok := ctx.Value(knownKey{}).(*known)
	if !ok {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.orders == nil {
		k.orders = make(map[string]domain.Order, len(orders))
	}
	for _, o := range orders {
		k.orders[o.ID] = o
	}
}

// knownOrder is the order with raw id id, when the operation already has it.
func knownOrder(ctx context.Context, id string) (domain.Order, bool) {
	k, ok := ctx.Value(knownKey{}).(*known)
	if !ok {
		return domain.Order{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	o, ok := k.orders[id]
	return o, ok
}
