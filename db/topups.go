package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

const topUpColumns = `id, account_id, currency, amount, reference, created_at`

func scanTopUp(row pgx.Row) (domain.TopUp, error) {
	var t domain.TopUp
	if err := row.Scan(&t.ID, &t.AccountID, &t.Amount.Currency, &t.Amount.Amount, &t.Reference, &t.CreatedAt); err != nil {
		return domain.TopUp{}, translate(err)
	}
	return t, nil
}

// InsertTopUp relies on the (account_id, reference) unique key: a concurrent insert with the
// same reference waits for the first to commit, inserts nothing, and then reads its row.
func (t *txStore) InsertTopUp(ctx context.Context, top *domain.TopUp) (bool, error) {
	id := newID()
	tag, err := t.tx.Exec(ctx, `INSERT INTO top_ups (id, account_id, currency, amount, reference, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, reference) DO NOTHING`,
		id, top.AccountID, top.Amount.Currency, top.Amount.Amount, top.Reference, top.CreatedAt)
	if err != nil {
		return false, translate(err)
	}
	if tag.RowsAffected() == 1 {
		top.ID = id
		return true, nil
	}
	existing, err := scanTopUp(t.tx.QueryRow(ctx, `SELECT `+topUpColumns+` FROM top_ups WHERE account_id = $1 AND reference = $2`,
		top.AccountID, top.Reference))
	if err != nil {
		return false, err
	}
	*top = existing
	return false, nil
}

func (q queries) TopUp(ctx context.Context, id string, scope domain.Scope) (domain.TopUp, error) {
	if !validUUID(id) {
		return domain.TopUp{}, domain.NotFound("top-up", nil)
	}
	return scanTopUp(q.q.QueryRow(ctx, `SELECT `+topUpColumns+` FROM top_ups
		WHERE id = $1 AND ($2 OR account_id = $3)`, id, scope.All, nullable(scope.AccountID)))
}
