package worker_test

import (
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestConversionsSettleThroughRiver: a conversion's settlement job, inserted in its
// transaction, is worked by a real River client and settles it.
func TestConversionsSettleThroughRiver(t *testing.T) {
	t.Parallel()
	e := New(t)
	e.StartWorkers(nil)
	id, key := e.Account("Acme")
	e.Fund(id, "50.00", "GBP")
	q := e.Quote(key, id, "GBP", "CNH", "50.00")
	e.MustSucceed(key, "executeQuote", ExecuteQuote, map[string]any{"quoteId": Str(q, "id"), "idempotencyKey": "w1"})
	waitFor(t, e, `SELECT count(*) FROM conversions WHERE status = 'SETTLED'`, 1)
	if n := e.Count(`SELECT count(*) FROM sandbox_lp_trades`); n != 1 {
		t.Fatalf("%d provider trades", n)
	}
	e.Audit()
}

// waitFor polls sql (a count) until it equals want, with a deadline.
func waitFor(t *testing.T, e *Env, sql string, want int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for e.Count(sql) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s never reached %d (now %d)", sql, want, e.Count(sql))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestPayoutsThroughRiver: receipt releases escrow; the payout job pays the supplier through
// the sandbox rail, retrying the 0003 account's two timeouts with backoff; the order completes.
func TestPayoutsThroughRiver(t *testing.T) {
	t.Parallel()
	e := New(t)
	e.StartWorkers(nil)
	s := e.NewShop("6222020200110003")
	e.Fund(s.AccountID, "2000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, oid, "p")
	e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
	waitFor(t, e, `SELECT count(*) FROM orders WHERE status = 'COMPLETED'`, 1)
	if n := e.Count(`SELECT attempts FROM payouts`); n != 3 {
		t.Fatalf("%d attempts, want 3 (two timeouts, then paid)", n)
	}
	if n := e.Count(`SELECT count(*) FROM sandbox_rail_transfers WHERE status = 'PAID'`); n != 1 {
		t.Fatalf("%d paid transfers", n)
	}
	e.Audit()
}
