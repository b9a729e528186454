package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

// grown is a database grown to n payments in small batches, with a clean full audit behind it.
func grown(t *testing.T, n int) (*Env, db.GrowResult) {
	t.Helper()
	e := New(t)
	r, err := db.Grow(context.Background(), e.Pool, db.GrowShape{Payments: n, Batch: 700}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e, r
}

func checks(vs []domain.Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Check+": "+v.Detail)
	}
	return out
}

func TestGrowIsConsistent(t *testing.T) {
	t.Parallel()
	e, r := grown(t, 2000)
	ctx := context.Background()
	if n := e.Count(`SELECT count(*) FROM payments`); n != 2000 {
		t.Fatalf("%d payments, want 2000", n)
	}
	// Every shape is there: refunds, released escrows with paid payouts, held escrows, events.
	for _, q := range []string{`SELECT count(*) FROM refunds`, `SELECT count(*) FROM payouts WHERE status = 'PAID'`,
		`SELECT count(*) FROM payments WHERE escrow_status = 'HELD'`, `SELECT count(*) FROM events`, `SELECT count(*) FROM top_ups`} {
		if e.Count(q) == 0 {
			t.Errorf("%s: none", q)
		}
	}
	// Grown events and keys sit in their weeks' partitions, which retention drops whole.
	for _, q := range []string{`SELECT count(*) FROM events_default`, `SELECT count(*) FROM idempotency_keys_default`} {
		if n := e.Count(q); n != 0 {
			t.Errorf("%s: %d rows in the catch-all partition", q, n)
		}
	}
	if share := e.Count(`SELECT (100 * count(*) FILTER (WHERE partner_id = $1) / count(*))::int FROM payments`, r.MainPartnerID); share < 70 {
		t.Errorf("main partner has %d%% of the payments, want most", share)
	}
	if vs, err := e.Svc.Audit(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("full audit: %v %v", err, checks(vs))
	}
	if vs, err := e.Svc.AuditIncremental(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("incremental audit: %v %v", err, checks(vs))
	}
	// The balances the audit compares are what the customer entries' running balance says.
	if n := e.Count(`SELECT count(*) FROM balances b WHERE available <> (SELECT balance_after FROM ledger_entries
		WHERE account_id = b.account_id AND currency = b.currency ORDER BY id DESC LIMIT 1)`); n != 0 {
		t.Errorf("%d balances differ from their last entry's balance after", n)
	}
}

// TestGrowOnOneAccount: the bench's baseline shape, every payment on one account of the main
// partner, is as consistent, and that account is the busy one the reads are measured on.
func TestGrowOnOneAccount(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	r, err := db.Grow(ctx, e.Pool, db.GrowShape{Payments: 600, Batch: 250, Accounts: 1}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if n := e.Count(`SELECT count(*) FROM payments WHERE account_id = $1 AND partner_id = $2`, r.BusyAccountID, r.MainPartnerID); n != 600 {
		t.Errorf("the busy account has %d of 600 payments", n)
	}
	if vs, err := e.Svc.Audit(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("full audit: %v %v", err, checks(vs))
	}
}

func TestIncrementalAudit(t *testing.T) {
	t.Parallel()
	e, _ := grown(t, 1500)
	ctx := context.Background()
	if vs, err := e.Svc.Audit(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("full audit: %v %v", err, checks(vs))
	}
	// Behind the checkpoint: an old payment's refunded amount changed without a ledger
	// transaction. Only the full audit reads old rows that no new transaction names.
	if _, err := e.Pool.Exec(ctx, `UPDATE payments SET refunded_amount = refunded_amount + 1
		WHERE id = (SELECT id FROM payments WHERE refunded_amount = 0 ORDER BY id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	if vs, err := e.Svc.AuditIncremental(ctx); err != nil || len(vs) > 0 {
		t.Fatalf("incremental audit read behind its checkpoint: %v %v", err, checks(vs))
	}
	// After the checkpoint: an unbalanced transaction, and a balance moved without entries.
	if _, err := e.Pool.Exec(ctx, `WITH t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at)
			VALUES ('`+newUUID7()+`', 'TEST', 'x', now()) RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, currency, amount, created_at)
		SELECT t.id, 'ESCROW', 'CNH', a, now() FROM t, (VALUES (5), (-4)) v(a)`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(ctx, `UPDATE balances SET available = available + 1
		WHERE account_id = (SELECT account_id FROM balances ORDER BY account_id LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	// Not clean: the checkpoint stays and the next run reports the same again.
	for round := range 2 {
		if got := failedChecks(t, e.Svc.AuditIncremental); got != "customer balance equals its entries, transaction balanced per currency" {
			t.Fatalf("round %d: incremental audit failed %s", round, got)
		}
	}
	if got := failedChecks(t, e.Svc.Audit); got != "customer balance equals its entries, refunds within the payment, transaction balanced per currency" {
		t.Fatalf("full audit failed %s", got)
	}
}

// failedChecks runs an audit and names the checks that found violations, sorted.
func failedChecks(t *testing.T, audit func(context.Context) ([]domain.Violation, error)) string {
	t.Helper()
	vs, err := audit(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range vs {
		if !slices.Contains(names, v.Check) {
			names = append(names, v.Check)
		}
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// newUUID7 is a time-ordered id made now, as the store makes them.
func newUUID7() string {
	return db.NewID()
}
