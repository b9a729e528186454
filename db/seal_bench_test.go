package db_test

import (
	"context"
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
)

// BenchmarkSealLedger20000 measures sealing 20,000 payment-shaped ledger transactions (three
// entries each: customer debit, escrow, fee revenue) committed since the last seal, and
// reports sealed transactions per second: sealing must outpace the payment rate many times.
//
//	go test -run '^$' -bench BenchmarkSealLedger20000 -benchtime 5x ./db
func BenchmarkSealLedger20000(b *testing.B) {
	e := New(b)
	id, _ := e.Account("Bench")
	raw := RawID(id)
	ctx := context.Background()
	const txs = 20000
	var sealed time.Duration
	for b.Loop() {
		b.StopTimer()
		_, err := e.Pool.Exec(ctx, `WITH t AS (
				INSERT INTO ledger_transactions (id, kind, reference, created_at)
				SELECT gen_random_uuid(), 'PAYMENT', gen_random_uuid()::text, now() FROM generate_series(1, $2::int)
				RETURNING id)
			INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
			SELECT t.id, x.book, CASE WHEN x.book = 'CUSTOMER' THEN $1::uuid END, 'CNH', x.amount,
				CASE WHEN x.book = 'CUSTOMER' THEN 1000.00 END, now()
			FROM t, (VALUES (1, 'CUSTOMER', -1006.00), (2, 'ESCROW', 1000.00), (3, 'FEE_REVENUE', 6.00)) AS x(n, book, amount)
			ORDER BY t.id, x.n`, raw, txs)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		seals, err := e.Svc.SealLedger(ctx, 50000, 10*time.Second)
		sealed += time.Since(start)
		if err != nil || len(seals) == 0 {
			b.Fatalf("sealed %d: %v", len(seals), err)
		}
	}
	b.ReportMetric(float64(b.N*txs)/sealed.Seconds(), "txs/s")
}
