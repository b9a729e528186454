package db

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/kjb/kjb/domain"
)

func (q queries) AutoConvert(ctx context.Context, accountID string) (domain.AutoConvert, error) {
	a := domain.AutoConvert{AccountID: accountID}
	if !validUUID(accountID) {
		return a, domain.NotFound("auto-convert setting", nil)
	}
	var bps int
	err := q.q.QueryRow(ctx, `SELECT currency, max_spread_bps, updated_at FROM auto_convert_settings WHERE account_id = $1`, accountID).
		Scan(&a.Currency, &bps, &a.UpdatedAt)
	a.MaxSpreadBps = domain.Spread(bps)
	if err == pgx.ErrNoRows {
		return a, domain.NotFound("auto-convert setting", nil)
	}
	return a, err
}

func (t *txStore) SetAutoConvert(ctx context.Context, a domain.AutoConvert) error {
	if a.Currency == "" {
		_, err := t.tx.Exec(ctx, `DELETE FROM auto_convert_settings WHERE account_id = $1`, a.AccountID)
		return translate(err)
	}
	_, err := t.tx.Exec(ctx, `INSERT INTO auto_convert_settings (account_id, currency, max_spread_bps, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id) DO UPDATE SET currency = EXCLUDED.currency, max_spread_bps = EXCLUDED.max_spread_bps, updated_at = EXCLUDED.updated_at`,
		a.AccountID, string(a.Currency), int(a.MaxSpreadBps), a.UpdatedAt)
	return translate(err)
}
