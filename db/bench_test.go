package db_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxliquidity"
)

// BenchmarkSettleFX10000 measures one settlement run over 10,000 booked conversions spread
// over four currency pairs (netting, provider trades, ledger, SETTLED marks).
//
//	make bench-settle
func BenchmarkSettleFX10000(b *testing.B) {
	e := New(b)
	id, _ := e.Account("Bench")
	raw := RawID(id)
	provider := sandboxliquidity.Provider{Pool: e.Pool}
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

// BenchmarkCloseMonth1M builds 1,000,000 payments over 10,000 accounts in one month, then
// times the month close against one hand-written INSERT … SELECT doing the same aggregation
// on the same data, and reports both and their ratio (medians of the runs).
//
//	make bench-fees
func BenchmarkCloseMonth1M(b *testing.B) {
	e := New(b)
	ctx := context.Background()
	start := time.Now()
	_, err := e.Pool.Exec(ctx, `
		INSERT INTO partners (id, code, name, created_at) VALUES ('00000000-0000-0000-0000-000000000001', 'bench', 'Bench', now());
		INSERT INTO suppliers (id, partner_id, supplier_id, name, accepts_cross_border_pay, payout_account, created_at, updated_at)
		VALUES ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-000000000001', 's', 'S', true, '62220000', now(), now());
		INSERT INTO accounts (id, name, type, country, kyc_status, service_fee_rate, created_at)
		SELECT ('10000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, 'A' || i, 'CORPORATE', 'GB', 'VERIFIED', 0.002, '2026-01-01'
		FROM generate_series(1, 10000) i;
		INSERT INTO marketplace_members (id, partner_id, member_id, type, alipay_verified, authorized, mainland_alipay_linked,
			alipay_international_linked, created_at, updated_at)
		SELECT ('20000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001', 'm' || i,
			'CORPORATE', true, true, true, false, now(), now() FROM generate_series(1, 10000) i;
		INSERT INTO orders (id, partner_id, external_id, buyer_member_row_id, supplier_row_id, amount, currency, trade_mode,
			contains_prohibited_items, red_packet_discount, status, created_at, updated_at)
		SELECT ('30000000-0000-0000-' || lpad((i / 1000000000000)::text, 4, '0') || '-' || lpad(i::text, 12, '0'))::uuid,
			'00000000-0000-0000-0000-000000000001', 'o' || i,
			('20000000-0000-0000-0000-' || lpad((1 + i % 10000)::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000002',
			100 + i % 900, 'CNY', 'SECURED_TRANSACTION', false, false, 'PAID', now(), now()
		FROM generate_series(1, 1000000) i;
		INSERT INTO payments (id, order_id, partner_id, account_id, supplier_row_id, method, status, amount, standard_rate, standard_fee,
			service_rate, service_fee, debited_amount, debited_currency, escrow_status, created_at)
		SELECT gen_random_uuid(), ('30000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001',
			('10000000-0000-0000-0000-' || lpad((1 + i % 10000)::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000002',
			'WORLD_PAY', 'SUCCEEDED', 100 + i % 900, 0.004, round((100 + i % 900) * 0.004, 2), 0.002, round((100 + i % 900) * 0.002, 2),
			100 + i % 900, 'CNH', 'HELD', timestamptz '2026-10-01 00:00:00+08' + (i % 2592000) * interval '1 second'
		FROM generate_series(1, 1000000) i;
		ANALYZE;`)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("built 1,000,000 payments over 10,000 accounts in %s", time.Since(start).Round(time.Second))
	oct, _ := domain.ParseMonth("2026-10", nil)
	var ours, ref []time.Duration
	for b.Loop() {
		b.StopTimer()
		if _, err := e.Pool.Exec(ctx, `DELETE FROM fee_statements; DELETE FROM fee_months; DROP TABLE IF EXISTS ref_statements;
			CREATE TABLE ref_statements (account_id uuid, volume numeric, n int, std numeric, svc numeric)`); err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if _, err := e.Pool.Exec(ctx, `INSERT INTO ref_statements
			SELECT account_id, sum(amount - refunded_amount), count(*), sum(standard_fee), sum(service_fee)
			FROM payments WHERE created_at >= $1 AND created_at < $2 GROUP BY account_id`, oct.Start(), oct.End()); err != nil {
			b.Fatal(err)
		}
		ref = append(ref, time.Since(t0))
		b.StartTimer()
		t1 := time.Now()
		closed, n, err := e.Svc.CloseMonth(ctx, oct)
		ours = append(ours, time.Since(t1))
		if err != nil || !closed || n != 10000 {
			b.Fatalf("closed %v, %d statements, %v", closed, n, err)
		}
	}
	med := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	b.ReportMetric(float64(med(ours).Milliseconds()), "close-ms")
	b.ReportMetric(float64(med(ref).Milliseconds()), "reference-ms")
	b.ReportMetric(float64(med(ours))/float64(med(ref)), "ratio")
}
