package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	. "github.com/kjb/kjb/internal/apitest"
)

// BenchmarkSettleFX10000 measures one settlement run over 10,000 booked conversions spread
// over four currency pairs (netting, provider trades, ledger, SETTLED marks).
//
//	make bench-settle
func BenchmarkSettleFX10000(b *testing.B) {
	e := New(b)
	id, _ := e.Account("Bench")
	raw := RawID(id)
	provider := db.SandboxLiquidityProvider{Pool: e.Pool}
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		_, err := e.Pool.Exec(ctx, `INSERT INTO conversions (id, account_id, sell_currency, sell_amount, buy_currency, buy_amount, rate, status, created_at)
			SELECT gen_random_uuid(), $1, (ARRAY['USD','EUR','GBP','CNH'])[1 + i % 4], 100.00 + i % 50,
				(ARRAY['CNH','CNH','CNH','JPY'])[1 + i % 4], 700.00 + i % 50, 7.0, 'BOOKED', now() - interval '1 minute'
			FROM generate_series(1, 10000) AS i`, raw)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		res, err := e.Svc.SettleFX(ctx, time.Now(), provider)
		if err != nil || res.Conversions != 10000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
}
