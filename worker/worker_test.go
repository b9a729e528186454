package worker_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/worker"
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
	wait.For(t, 60*time.Second, func() error {
		if n := e.Count(sql); n != want {
			return fmt.Errorf("%s is %d, want %d", sql, n, want)
		}
		return nil
	})
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

// batchRecorder is a JobObserver that keeps the batch sizes it hears of.
type batchRecorder struct {
	mu    sync.Mutex
	sizes map[string][]int
}

func (r *batchRecorder) JobWorked(string, string, time.Duration, time.Duration) {}

func (r *batchRecorder) JobBatch(kind string, size int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sizes[kind] = append(r.sizes[kind], size)
}

// TestAutoReleasesThroughRiver: with a short hold, the auto-release jobs (in the payouts queue)
// are worked by a real River client, in batches that hold every job once, and each supplier is
// paid once.
func TestAutoReleasesThroughRiver(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Domain: func(c *domain.Config) { c.EscrowHold = time.Millisecond }})
	rec := &batchRecorder{sizes: map[string][]int{}}
	e.StartWorkers(func(c *worker.Config) { c.Jobs = rec })
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000.00", "CNH")
	for _, o := range []string{"o-1", "o-2", "o-3", "o-4", "o-5"} {
		e.Pay(s.AccountKey, e.Order(s.PartnerKey, o, "buyer", "supplier", "100.00"), o)
	}
	if n := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'escrow.release' AND queue = $1`, worker.QueuePayouts); n != 5 {
		t.Fatalf("%d release jobs in the payouts queue, want 5", n)
	}
	waitFor(t, e, `SELECT count(*) FROM orders WHERE status = 'COMPLETED'`, 5)
	waitFor(t, e, `SELECT count(*) FROM river_job WHERE kind = 'escrow.release' AND state = 'completed'`, 5)
	rec.mu.Lock()
	sizes := rec.sizes["escrow.release"]
	rec.mu.Unlock()
	total := 0
	for _, n := range sizes {
		total += n
	}
	if total != 5 {
		t.Fatalf("batches %v hold %d jobs, want 5", sizes, total)
	}
	if n := e.Count(`SELECT count(*) FROM sandbox_rail_transfers WHERE status = 'PAID' AND attempts = 1`); n != 5 {
		t.Fatalf("%d transfers paid at the first attempt, want 5", n)
	}
	e.Audit()
}

// TestAuditRunsEveryInterval: the periodic audit is unique only among unfinished jobs, so a
// completed run never stops the next one; each clean run moves the checkpoint.
func TestAuditRunsEveryInterval(t *testing.T) {
	t.Parallel()
	e := New(t)
	id, _ := e.Account("Acme")
	e.Fund(id, "10.00", "USD")
	e.StartWorkers(func(c *worker.Config) { c.AuditInterval = time.Second })
	wait.For(t, 60*time.Second, func() error {
		if n := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'ledger.audit' AND state = 'completed'`); n < 3 {
			return fmt.Errorf("%d audits completed, want 3", n)
		}
		return nil
	})
	if n := e.Count(`SELECT count(*) FROM ledger_audit_checkpoint WHERE entry_id = (SELECT max(id) FROM ledger_entries)`); n != 1 {
		t.Fatal("the audit left no checkpoint at the last entry")
	}
}

// TestSummariesRollUpOnStart: a worker started on a database with history (a year grown while
// no worker ran) rolls up its days at once, a bounded run at a time, until every day that is
// over is rolled up.
func TestSummariesRollUpOnStart(t *testing.T) {
	t.Parallel()
	e := New(t)
	now := time.Now()
	if _, err := db.Grow(context.Background(), e.Pool, db.GrowShape{Payments: 400, Batch: 400}, now); err != nil {
		t.Fatal(err)
	}
	first := e.Count(`SELECT (($1::timestamptz AT TIME ZONE 'UTC')::date - (min(created_at) AT TIME ZONE 'UTC')::date)::int FROM payments`,
		domain.SummaryRollableBefore(now))
	e.StartWorkers(nil)
	waitFor(t, e, `SELECT count(*) FROM summary_days`, first)
	// One job, snoozed while there was more to catch up, then done.
	waitFor(t, e, `SELECT count(*) FROM river_job WHERE kind = 'summaries.rollup' AND state = 'completed'`, 1)
	if n := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'summaries.rollup'`); n != 1 {
		t.Fatalf("%d roll-up jobs, want the one run at start", n)
	}
}
