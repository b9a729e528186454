package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// LockOrders reads the orders with these ids within scope FOR UPDATE, in id order (so two
// callers sharing orders cannot deadlock); ids out of reach or malformed are left out.
func (t *txStore) LockOrders(ctx context.Context, ids []string, scope domain.Scope) ([]domain.Order, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if validUUID(id) {
			valid = append(valid, id)
		}
	}
	all, partner, account := scopeArgs(scope)
	rows, err := t.tx.Query(ctx, orderSelect+` WHERE o.id = ANY($1::uuid[]) AND `+orderScope+` ORDER BY o.id FOR UPDATE OF o`, valid, all, partner, account)
	if err != nil {
		return nil, translate(err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Order, error) { return scanOrder(r) })
}
