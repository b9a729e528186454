package sandboxliquidity_test

import (
	"context"
	"testing"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/sandboxliquidity"
	"github.com/shopspring/decimal"
)

// TestTradeIsIdempotentOnTheSettlement: the first trade fills at domain.FillAt; asking again
// for the same settlement, even at another mid, returns that fill and trades nothing more.
func TestTradeIsIdempotentOnTheSettlement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	p := sandboxliquidity.Provider{Pool: pool}
	d := decimal.RequireFromString
	trade := domain.LiquidityTrade{SettlementID: "5e771e00-0000-4000-8000-000000000001",
		Base: domain.Money{Amount: d("-1000.00"), Currency: domain.CNH}, Quote: domain.USD, Mid: d("0.140845")}
	first, err := p.Trade(ctx, trade)
	// Buying 1,000 CNH at 0.140845 pays USD 140.845, rounded up to 140.85.
	if err != nil || !first.QuoteAmount.Equal(d("-140.85")) || !first.Mid.Equal(d("0.140845")) ||
		first.Reference != "LP-5e771e00-0000-4000-8000-000000000001" {
		t.Fatalf("first fill %+v %v", first, err)
	}
	trade.Mid = d("0.15")
	again, err := p.Trade(ctx, trade)
	if err != nil || !again.QuoteAmount.Equal(first.QuoteAmount) || !again.Mid.Equal(first.Mid) || again.Reference != first.Reference {
		t.Fatalf("second fill %+v %v, want %+v", again, err, first)
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM sandbox_lp_trades`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d trades (%v), want 1", n, err)
	}
}
