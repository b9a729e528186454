package worker_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/worker"
)

// TestConversionsSettleThroughRiver: a conversion's settlement job, inserted in its
// transaction, is worked by a real River client and settles it.
func TestConversionsSettleThroughRiver(t *testing.T) {
	t.Parallel()
	e := New(t)
	client, err := worker.NewClient(e.Pool, e.Svc, worker.Config{Logger: slog.New(slog.DiscardHandler),
		SettlementInterval: time.Second, Provider: db.SandboxLiquidityProvider{Pool: e.Pool}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := client.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Stop(context.Background()) })
	id, key := e.Account("Acme")
	e.Fund(id, "50.00", "GBP")
	q := e.Quote(key, id, "GBP", "CNH", "50.00")
	e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "w1"})
	deadline := time.Now().Add(60 * time.Second)
	for e.Count(`SELECT count(*) FROM conversions WHERE status = 'SETTLED'`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the conversion was not settled by the worker")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := e.Count(`SELECT count(*) FROM sandbox_lp_trades`); n != 1 {
		t.Fatalf("%d provider trades", n)
	}
	e.Audit()
}
