package domain_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxliquidity"
)

// crashingProvider trades through the real sandbox provider, then fails as if the worker
// died before committing.
type crashingProvider struct{ real domain.LiquidityProvider }

func (c crashingProvider) Trade(ctx context.Context, t domain.LiquidityTrade) (domain.LiquidityFill, error) {
	if _, err := c.real.Trade(ctx, t); err != nil {
		return domain.LiquidityFill{}, err
	}
	return domain.LiquidityFill{}, errors.New("worker killed")
}

func TestSettlement(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock})
	a, aKey := e.Account("A")
	b, bKey := e.Account("B")
	e.Fund(a, "1000.00", "USD")
	e.Fund(b, "10000.00", "CNH")
	for i, x := range []struct{ key, acct, sell, buy, amount string }{
		{aKey, a, "USD", "CNH", "500.00"}, {aKey, a, "USD", "CNH", "100.00"}, {bKey, b, "CNH", "USD", "1000.00"}, {bKey, b, "CNH", "EUR", "800.00"},
	} {
		q := e.Quote(x.key, x.acct, x.sell, x.buy, x.amount)
		e.MustSucceed(x.key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": fmt.Sprint("s", i)})
	}
	real := sandboxliquidity.Provider{Pool: e.Pool}
	window := clock.Now().Add(time.Minute)
	if _, err := e.Svc.SettleFX(context.Background(), window, crashingProvider{real}); err == nil {
		t.Fatal("the crash was not reported")
	}
	if n := e.Count(`SELECT count(*) FROM conversions WHERE status = 'SETTLED'`); n != 0 {
		t.Fatalf("%d settled before the commit", n)
	}
	for range 2 { // the retry, and a re-run of the job
		if _, err := e.Svc.SettleFX(context.Background(), window, real); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.Count(`SELECT count(*) FROM conversions WHERE status = 'SETTLED' AND settled_at IS NOT NULL`); n != 4 {
		t.Fatalf("%d of 4 conversions settled", n)
	}
	// Two pairs: CNH/USD (netted from three conversions) and CNH/EUR; one trade each.
	if n := e.Count(`SELECT count(*) FROM fx_settlements`); n != 2 {
		t.Fatalf("%d settlements", n)
	}
	if n := e.Count(`SELECT count(*) FROM sandbox_lp_trades`); n != 2 {
		t.Fatalf("%d provider trades, want 2 despite the crash and re-run", n)
	}
	// CNH/USD, base CNH: the house paid out 3534.73 + 706.94 CNH (USD sold at 7.069475) and
	// took in 1000.00 CNH, so it buys 3241.67 CNH from the provider.
	var net string
	if err := e.Pool.QueryRow(context.Background(), `SELECT base_net::text FROM fx_settlements WHERE quote = 'USD'`).Scan(&net); err != nil || net != "-3241.67" {
		t.Fatalf("CNH/USD base_net %s %v, want -3241.67", net, err)
	}
	d := e.MustData(aKey, `query($id: ID!) { account(id: $id) { conversions { edges { node { status settledAt } } } } }`, map[string]any{"id": a})
	if Str(d, "account", "conversions", "edges", 0, "node", "status") != "SETTLED" {
		t.Fatalf("got %v", d)
	}
	e.Audit()
}
