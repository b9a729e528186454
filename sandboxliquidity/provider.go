// Package sandboxliquidity is the shipped liquidity provider: an adapter that implements
// domain.LiquidityProvider. It fills every trade at the mid it is given and keeps its trades
// in Postgres (table sandbox_lp_trades), one per settlement, so asking twice trades once.
//
// A real provider's adapter has the same shape: it sends the trade with the settlement id as
// its idempotency key and maps the provider's confirmation to a domain.LiquidityFill.
package sandboxliquidity

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// Provider trades against the sandbox's own book.
type Provider struct{ Pool *pgxpool.Pool }

// Trade records the fill for t.SettlementID at domain.FillAt, or returns the one recorded
// before.
func (p Provider) Trade(ctx context.Context, t domain.LiquidityTrade) (domain.LiquidityFill, error) {
	quote := domain.FillAt(t.Base.Amount, t.Quote, t.Mid)
	var f domain.LiquidityFill
	err := p.Pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO sandbox_lp_trades (settlement_id, reference, base, base_amount, quote, quote_amount, mid)
			VALUES ($1::uuid, 'LP-' || $1::uuid::text, $2, $3, $4, $5, $6) ON CONFLICT (settlement_id) DO NOTHING
			RETURNING reference, quote_amount, mid)
		SELECT reference, quote_amount, mid FROM ins
		UNION ALL SELECT reference, quote_amount, mid FROM sandbox_lp_trades WHERE settlement_id = $1::uuid
		LIMIT 1`, t.SettlementID, t.Base.Currency, t.Base.Amount, t.Quote, quote, t.Mid).Scan(&f.Reference, &f.QuoteAmount, &f.Mid)
	return f, err
}
