package sandboxliquidity

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// ProviderTrades is the provider's report: every trade it filled in [from, to) (by its own
// clock) and the trades of the given settlements, each SETTLED with the base the house sold
// (negative: bought) and the quote it received.
func (p Provider) ProviderTrades(ctx context.Context, from, to time.Time, settlementIDs []string) ([]domain.Record, error) {
	rows, err := p.Pool.Query(ctx, `SELECT settlement_id::text, base, base_amount, quote, quote_amount, reference FROM sandbox_lp_trades
		WHERE traded_at >= $1 AND traded_at < $2
		UNION SELECT settlement_id::text, base, base_amount, quote, quote_amount, reference FROM sandbox_lp_trades WHERE settlement_id = ANY($3::uuid[])`,
		from, to, settlementIDs)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (domain.Record, error) {
		rec := domain.Record{Status: domain.RecordSettled}
		err := row.Scan(&rec.ID, &rec.Amount.Currency, &rec.Amount.Amount, &rec.Counter.Currency, &rec.Counter.Amount, &rec.Reference)
		return rec, err
	})
}
