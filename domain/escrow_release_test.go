package domain_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxrail"
)

// TestReleaseEscrowsInOneBatch: auto-release jobs worked together each get their own outcome,
// as if worked alone: paid, refused by the rail, timed out (and paid on a later retry), already
// refunded, not yet due, released by a receipt, or the same job twice. Re-running the batch
// moves no money again.
func TestReleaseEscrowsInOneBatch(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	rail := sandboxrail.Rail{Pool: e.Pool}
	s := e.NewShop("6222020200118888")
	e.Supplier(s.PartnerKey, "closed", "6222020200110002")
	e.Supplier(s.PartnerKey, "flaky", "6222020200110003")
	e.Fund(s.AccountID, "100000.00", "CNH")
	payment := map[string]string{}
	for _, o := range []struct{ name, supplier string }{
		{"paid", "supplier"}, {"paid-too", "supplier"}, {"closed", "closed"}, {"flaky", "flaky"},
		{"refunded", "supplier"}, {"not-due", "supplier"}, {"received", "supplier"},
	} {
		oid := e.Order(s.PartnerKey, o.name, "buyer", o.supplier, "1000.00")
		e.Pay(s.AccountKey, oid, o.name)
		payment[o.name] = e.PaymentOf(o.name)
		switch o.name {
		case "refunded":
			e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "idempotencyKey": "r"})
		case "received":
			e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		}
	}
	past, future := time.Now().Add(-time.Second), time.Now().Add(time.Hour)
	names := []string{"paid", "closed", "flaky", "refunded", "not-due", "received", "paid", "paid-too"}
	jobs := make([]domain.ReleaseEscrowJob, len(names))
	for i, n := range names {
		jobs[i] = domain.ReleaseEscrowJob{PaymentID: payment[n], At: past}
		if n == "not-due" {
			jobs[i].At = future
		}
	}
	payoutStatus := func(name string) string {
		var st string
		_ = e.Pool.QueryRow(ctx, `SELECT status FROM payouts WHERE payment_id = $1`, payment[name]).Scan(&st)
		return st
	}

	for run := 1; run <= 3; run++ {
		out := e.Svc.ReleaseEscrowsWhenDue(ctx, jobs, rail)
		for i, n := range names {
			o := out[i]
			switch {
			case n == "not-due":
				if o.Err != nil || o.Left <= 0 || o.Left > time.Hour {
					t.Fatalf("run %d, %s: %+v", run, n, o)
				}
			case n == "flaky" && run < 3:
				if !errors.Is(o.Err, sandboxrail.ErrTimeout) || o.Left != 0 {
					t.Fatalf("run %d, %s: %+v, want the rail's timeout", run, n, o)
				}
			case o.Err != nil || o.Left != 0:
				t.Fatalf("run %d, %s: %+v", run, n, o)
			}
		}
		want := map[string]string{"paid": "PAID", "paid-too": "PAID", "closed": "FAILED", "flaky": "SUBMITTED", "refunded": "", "not-due": "", "received": "PENDING"}
		if run == 3 {
			want["flaky"] = "PAID"
		}
		for n, st := range want {
			if got := payoutStatus(n); got != st {
				t.Fatalf("run %d: payout of %s is %q, want %q", run, n, got, st)
			}
		}
	}
	if n := e.Count(`SELECT count(*) FROM payouts`); n != 5 {
		t.Fatalf("%d payouts, want 5", n)
	}
	// The rail was asked once for each settled payout and three times for the flaky one.
	if n := e.Count(`SELECT sum(attempts) FROM sandbox_rail_transfers`); n != 1+1+1+3 {
		t.Fatalf("rail attempts %d, want 6", n)
	}
	if n := e.Count(`SELECT count(*) FROM orders WHERE status = 'COMPLETED'`); n != 3 {
		t.Fatalf("%d orders completed, want 3", n)
	}
	if n := e.Count(`SELECT count(*) FROM payments WHERE escrow_status = 'HELD'`); n != 1 {
		t.Fatalf("%d escrows held, want 1 (not due)", n)
	}
	e.Audit()
}

// TestReleaseBatchIsolatesAFailure: when one payment makes the batch's transaction fail, the
// others are released and paid one by one, and only the failing job is told to retry.
func TestReleaseBatchIsolatesAFailure(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000.00", "CNH")
	var jobs []domain.ReleaseEscrowJob
	for _, name := range []string{"a", "poisoned", "b"} {
		e.Pay(s.AccountKey, e.Order(s.PartnerKey, name, "buyer", "supplier", "100.00"), name)
		jobs = append(jobs, domain.ReleaseEscrowJob{PaymentID: e.PaymentOf(name), At: time.Now().Add(-time.Second)})
	}
	// A fault only this payment's payout insert meets (as a broken row or a bug would).
	if _, err := e.Pool.Exec(ctx, `CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'poisoned'; END $$;
		CREATE TRIGGER poison BEFORE INSERT ON payouts FOR EACH ROW WHEN (NEW.payment_id = '`+jobs[1].PaymentID+`') EXECUTE FUNCTION poison()`); err != nil {
		t.Fatal(err)
	}
	out := e.Svc.ReleaseEscrowsWhenDue(ctx, jobs, sandboxrail.Rail{Pool: e.Pool})
	if out[0].Err != nil || out[2].Err != nil || out[1].Err == nil {
		t.Fatalf("outcomes %+v", out)
	}
	if n := e.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID'`); n != 2 {
		t.Fatalf("%d paid, want 2", n)
	}
	if n := e.Count(`SELECT count(*) FROM payments WHERE escrow_status = 'HELD'`); n != 1 {
		t.Fatalf("%d held, want the poisoned one", n)
	}
	if _, err := e.Pool.Exec(ctx, `DROP TRIGGER poison ON payouts`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ReleaseWhenDue(jobs[1], sandboxrail.Rail{Pool: e.Pool}); err != nil {
		t.Fatal(err)
	}
	if n := e.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID'`); n != 3 {
		t.Fatalf("%d paid after the retry, want 3", n)
	}
	e.Audit()
}

// TestEscrowHoldFollowsTheSandboxClock: the auto-release waits for the hold by the sandbox
// clock, not the wall clock the job was scheduled by.
func TestEscrowHoldFollowsTheSandboxClock(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	e.SetSandboxClock("2026-08-10T10:00:00+08:00")
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00"), "p")
	var job domain.ReleaseEscrowJob
	if err := e.Pool.QueryRow(context.Background(), `SELECT args->>'payment_id', (args->>'at')::timestamptz FROM river_job WHERE kind = 'escrow.release'`).
		Scan(&job.PaymentID, &job.At); err != nil {
		t.Fatal(err)
	}
	left, err := e.ReleaseWhenDue(job, sandboxrail.Rail{Pool: e.Pool})
	if err != nil || left < 239*time.Hour || e.Count(`SELECT count(*) FROM payouts`) != 0 {
		t.Fatalf("released early: left %s, %v", left, err)
	}
	e.SetSandboxClock("2026-08-20T10:00:01+08:00") // 240 hours and a second later
	if left, err := e.ReleaseWhenDue(job, sandboxrail.Rail{Pool: e.Pool}); err != nil || left != 0 {
		t.Fatalf("left %s, %v", left, err)
	}
	if n := e.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID'`); n != 1 {
		t.Fatalf("%d paid payouts after the hold", n)
	}
	e.Audit()
}

// TestAutoReleaseRetriesThroughTheRail: the release job pays the payout itself; a transient
// rail error fails the job, its retries drive the same payout on, and a re-run after success
// changes nothing.
func TestAutoReleaseRetriesThroughTheRail(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200110003")
	e.Fund(s.AccountID, "1000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00"), "p")
	var job domain.ReleaseEscrowJob
	if err := e.Pool.QueryRow(context.Background(), `SELECT args->>'payment_id' FROM river_job WHERE kind = 'escrow.release'`).Scan(&job.PaymentID); err != nil {
		t.Fatal(err)
	}
	job.At = time.Now().Add(-time.Second)
	rail := sandboxrail.Rail{Pool: e.Pool}
	var errs []error
	for range 4 {
		_, err := e.ReleaseWhenDue(job, rail)
		errs = append(errs, err)
	}
	if errs[0] == nil || errs[1] == nil || errs[2] != nil || errs[3] != nil {
		t.Fatalf("attempts: %v", errs)
	}
	if n := e.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID' AND attempts = 3`); n != 1 {
		t.Fatal("the payout was not paid on the third attempt")
	}
	if n := e.Count(`SELECT count(*) FROM sandbox_rail_transfers WHERE status = 'PAID'`); n != 1 {
		t.Fatalf("%d paid transfers", n)
	}
	if got := e.EventTypes(s.PartnerKey, []string{"PAYOUT_SUBMITTED", "PAYOUT_PAID", "ORDER_COMPLETED"}); !slices.Equal(got, []string{"PAYOUT_SUBMITTED", "PAYOUT_PAID", "ORDER_COMPLETED"}) {
		t.Fatalf("events %v", got)
	}
	e.Audit()
}
