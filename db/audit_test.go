package db_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/shopspring/decimal"
)

func TestAuditFindsCorruption(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, _ := e.Account("Acme")
	e.Fund(id, "10.00", "USD")
	vs, _ := e.Svc.Audit(context.Background())
	if len(vs) != 0 {
		t.Fatalf("clean ledger reported %v", vs)
	}
	// A balance changed behind the ledger's back.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE balances SET available = available + 1`); err != nil {
		t.Fatal(err)
	}
	vs, _ = e.Svc.Audit(context.Background())
	if len(vs) != 1 || vs[0].Check != "customer balance equals its entries" {
		t.Fatalf("got %v", vs)
	}
	// The ledger refuses edits.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE ledger_entries SET amount = amount * 2`); err == nil {
		t.Fatal("ledger entries were updated")
	}
}

// TestAuditFindsLinkSpendingOff: a link's stored spending that no longer matches its
// payments net of refunds is reported by the full audit, for its day and its month.
func TestAuditFindsLinkSpendingOff(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "k1")
	e.Audit()
	if _, err := e.Pool.Exec(context.Background(), `UPDATE link_spending SET spent = spent - 1`); err != nil {
		t.Fatal(err)
	}
	vs, err := e.Svc.Audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Check != "link spending equals its payments net of refunds" || !strings.Contains(vs[0].Detail, "spending 999.00, payments net of refunds 1000.00") {
		t.Fatalf("got %v", vs)
	}
}

// TestAuditFindsStatementOrderBroken: the full audit reports a customer entry whose balance
// after does not follow the one before it by id, and a backdated entry missing from its record,
// both of which would make statements start from a wrong balance.
func TestAuditFindsStatementOrderBroken(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	ctx := context.Background()
	id, _ := e.Account("Acme")
	e.SetSandboxClock("2026-10-10T12:00:00Z")
	e.Fund(id, "10.00", "USD")
	e.SetSandboxClock("2026-10-01T12:00:00Z")
	e.Fund(id, "5.00", "USD")
	e.Fund(id, "1.00", "USD")
	if vs, _ := e.Svc.Audit(ctx); len(vs) != 0 {
		t.Fatalf("clean ledger reported %v", vs)
	}
	tamper := func(sql string) {
		t.Helper()
		tx, err := e.Pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck
		for _, q := range []string{`SET LOCAL session_replication_role = replica`, sql} {
			if _, err := tx.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	const check = "customer entries run in id order, backdated ones recorded"
	tamper(`DELETE FROM ledger_backdated_entries WHERE entry_id = (SELECT min(entry_id) FROM ledger_backdated_entries)`)
	vs, _ := e.Svc.Audit(ctx)
	if len(vs) != 1 || vs[0].Check != check || !strings.Contains(vs[0].Detail, "not recorded as backdated") {
		t.Fatalf("after forgetting a backdated entry: %v", vs)
	}
	// The middle entry's balance after is off by one: neither it nor the entry after it is the
	// balance before plus the amount any more.
	tamper(`UPDATE ledger_entries SET balance_after = balance_after - 1 WHERE id = (SELECT id FROM ledger_entries
		WHERE book = 'CUSTOMER' ORDER BY id OFFSET 1 LIMIT 1)`)
	vs, _ = e.Svc.Audit(ctx)
	var broken int
	for _, v := range vs {
		if v.Check == check && strings.Contains(v.Detail, "the entry before it by id leaves") {
			broken++
		}
	}
	if broken != 2 {
		t.Fatalf("after changing a balance after: %v", vs)
	}
}

// TestAuditFindsRefundedStandardFeeOff: a refund keeps the standard line's share of the fees it
// gave back on the payment (what the month's statement adds up), and the audit reports a share
// that is not the refunded fees' split.
func TestAuditFindsRefundedStandardFeeOff(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	order := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, order, "k1")
	// Fees 4.00 + 2.00; a third of the order refunds 2.00 of them, 1.33 of it standard.
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": order, "amount": Money("333.33", "CNY"), "idempotencyKey": "r1"})
	var share string
	if err := e.Pool.QueryRow(ctx, `SELECT refunded_fees || ' ' || refunded_standard_fee FROM payments`).Scan(&share); err != nil {
		t.Fatal(err)
	}
	if share != "2.00 1.33" {
		t.Fatalf("refunded fees and their standard share: %s, want 2.00 1.33", share)
	}
	e.Audit()
	if _, err := e.Pool.Exec(ctx, `UPDATE payments SET refunded_standard_fee = refunded_standard_fee + 0.01`); err != nil {
		t.Fatal(err)
	}
	vs, err := e.Svc.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Check != "refunded standard fee is its share of the refunded fees" || !strings.Contains(vs[0].Detail, "refunded standard fee 1.34, share of refunded fees 2.00 1.33") {
		t.Fatalf("got %v", vs)
	}
}

// TestRefundedStandardShareAgrees: the audit's SQL for a payment's refunded standard fee agrees
// with the domain's rule (Payment.RefundedStandardFee) on random fees and refunds, halves and
// fees of one fen included.
func TestRefundedStandardShareAgrees(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.New(t).Pool
	rng := rand.New(rand.NewPCG(19, 92))
	cents := func(max int64) decimal.Decimal { return decimal.New(rng.Int64N(max+1), -2) }
	const n = 5000
	std, svc, refunded, want := make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n), make([]decimal.Decimal, n)
	for i := range n {
		limit := []int64{3, 100, 10_000, 100_000_000}[i%4]
		std[i], svc[i] = cents(limit), cents(limit)
		refunded[i] = cents(std[i].Add(svc[i]).Shift(2).IntPart())
		p := domain.Payment{RefundedFees: refunded[i], Fees: []domain.FeeLine{
			{Kind: domain.FeeStandard, Amount: domain.Money{Amount: std[i], Currency: domain.CNH}},
			{Kind: domain.FeeService, Amount: domain.Money{Amount: svc[i], Currency: domain.CNH}}}}
		want[i] = p.RefundedStandardFee()
	}
	rows, err := pool.Query(ctx, `SELECT `+db.RefundedStandardShare+` FROM unnest($1::numeric[], $2::numeric[], $3::numeric[])
		WITH ORDINALITY AS p(standard_fee, service_fee, refunded_fees, n) ORDER BY n`, std, svc, refunded)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[decimal.Decimal])
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if !got[i].Equal(want[i]) {
			t.Fatalf("fees %s + %s, refunded %s: SQL %s, domain %s", std[i], svc[i], refunded[i], got[i], want[i])
		}
	}
}

// TestAuditFindsLatestPostingTimeOff: a balance whose latest posting time is behind its
// entries (a writer that moved it without keeping the time would leave backdated entries
// unnoted) is reported by the incremental audit for its new entries and by the full audit; one
// ahead of every entry, by the full audit.
func TestAuditFindsLatestPostingTimeOff(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	id, _ := e.Account("Acme")
	e.Fund(id, "10.00", "USD")
	e.Audit()
	e.Fund(id, "5.00", "USD")
	set := func(sql string) {
		t.Helper()
		if _, err := e.Pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	const check = "balance keeps its entries' latest posting time"
	set(`UPDATE balances SET posted_until = posted_until - interval '1 second'`)
	for name, audit := range map[string]func(context.Context) ([]domain.Violation, error){"full": e.Svc.Audit, "incremental": e.Svc.AuditIncremental} {
		vs, err := audit(ctx)
		if err != nil || len(vs) != 1 || vs[0].Check != check {
			t.Fatalf("%s audit of a time behind: %v %v", name, vs, err)
		}
	}
	set(`UPDATE balances SET posted_until = posted_until + interval '1 day'`)
	var ahead string
	if err := e.Pool.QueryRow(ctx, `SELECT posted_until::text FROM balances`).Scan(&ahead); err != nil {
		t.Fatal(err)
	}
	if vs, err := e.Svc.Audit(ctx); err != nil || len(vs) != 1 || vs[0].Check != check || !strings.Contains(vs[0].Detail, "latest posting time "+ahead+",") {
		t.Fatalf("full audit of a time ahead (%s): %v %v", ahead, vs, err)
	}
	set(`UPDATE balances SET posted_until = NULL`)
	if vs, err := e.Svc.AuditIncremental(ctx); err != nil || len(vs) != 1 || vs[0].Check != check || !strings.Contains(vs[0].Detail, "none") {
		t.Fatalf("incremental audit of no time: %v %v", vs, err)
	}
}
