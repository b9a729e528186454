package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/kjb/kjb/domain"
)

// known holds the orders a top-level field has already read or written, by the field's
// response key and the order's raw id, so that a reference to one of them later in that
// field's answer is answered without reading it again (what a dataloader's prime does). It
// lives for one operation; another top-level field (a later mutation of the same operation may
// have changed the order) never sees what one field put in it. Only objects read within the
// caller's scope are put in it.
type known struct {
	mu     sync.Mutex
	orders map[knownOrderKey]domain.Order
}

type knownOrderKey struct{ field, id string }

type knownKey struct{}

// withKnownObjects gives each operation its own known objects.
func withKnownObjects(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, knownKey{}, &known{}))
}

// topField is the response key of the top-level field ctx resolves under ("" outside one).
func topField(ctx context.Context) string {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ""
	}
	path := fc.Path()
	if len(path) == 0 {
		return ""
	}
	name, _ := path[0].(ast.PathName)
	return string(name)
}

// knowOrders records orders the current top-level field has read or written in the caller's
// scope.
func knowOrders(ctx context.Context, orders ...domain.Order) {
	k, ok := ctx.Value(knownKey{}).(*known)
	field := topField(ctx)
	if !ok || field == "" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.orders == nil {
		k.orders = make(map[knownOrderKey]domain.Order, len(orders))
	}
	for _, o := range orders {
		k.orders[knownOrderKey{field, o.ID}] = o
	}
}

// knownOrder is the order with raw id id, when the current top-level field already has it.
func knownOrder(ctx context.Context, id string) (domain.Order, bool) {
	k, ok := ctx.Value(knownKey{}).(*known)
	field := topField(ctx)
	if !ok || field == "" {
		return domain.Order{}, false
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	o, ok := k.orders[knownOrderKey{field, id}]
	return o, ok
}
