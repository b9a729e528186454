package db_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/sandboxrail"
)

// sameSummary says how two summaries differ ("" when they do not).
func sameSummary(a, b domain.PartnerSummary) string {
	if a.PaymentCount != b.PaymentCount || !a.PaymentVolume.Amount.Equal(b.PaymentVolume.Amount) || !a.Fees.Amount.Equal(b.Fees.Amount) ||
		!a.Refunds.Amount.Equal(b.Refunds.Amount) || !a.PayoutsPaid.Amount.Equal(b.PayoutsPaid.Amount) ||
		a.PayoutsPending != b.PayoutsPending || a.PayoutsFailed != b.PayoutsFailed || len(a.ConversionVolume) != len(b.ConversionVolume) {
		return fmt.Sprintf("%+v\n want %+v", a, b)
	}
	for i, m := range a.ConversionVolume {
		if m.Currency != b.ConversionVolume[i].Currency || !m.Amount.Equal(b.ConversionVolume[i].Amount) {
			return fmt.Sprintf("conversions %v, want %v", a.ConversionVolume, b.ConversionVolume)
		}
	}
	return ""
}

// summaryRanges compares the summary the store serves (from the roll-up) with the live one
// over n random periods of the history and the days since, in every scope, and returns how
// many of them took at least one day from the roll-up.
func summaryRanges(t *testing.T, e *Env, rng *rand.Rand, n int, oldest, newest time.Time, scopes []domain.Scope) int {
	t.Helper()
	ctx := context.Background()
	reports := db.NewStore(e.Pool, nil).Reports()
	span := newest.Sub(oldest)
	rolled := 0
	for i := range n {
		from := oldest.Add(time.Duration(rng.Int64N(int64(span))))
		var length time.Duration
		switch rng.IntN(3) {
		case 0:
			length = time.Duration(rng.Int64N(int64(3 * time.Hour)))
		case 1:
			length = time.Duration(rng.Int64N(int64(4 * 24 * time.Hour)))
		default:
			length = time.Duration(rng.Int64N(int64(70 * 24 * time.Hour)))
		}
		to := from.Add(length + time.Microsecond)
		switch rng.IntN(4) {
		case 0: // whole days
			from, to = domain.SummaryDayStart(from), domain.SummaryDayStart(to).Add(24*time.Hour)
		case 1: // days in another time zone
			from, to = from.Truncate(time.Hour), to.Truncate(time.Hour).Add(time.Hour)
		}
		if _, _, ok := domain.SummaryWholeDays(from, to); ok && e.Count(`SELECT count(*) FROM summary_days
			WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND day < ($2::timestamptz AT TIME ZONE 'UTC')::date`, from, to) > 0 {
			rolled++
		}
		for _, sc := range scopes {
			got, err := reports.PartnerSummary(ctx, sc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.LivePartnerSummary(ctx, e.Pool, sc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			if d := sameSummary(got, want); d != "" {
				t.Fatalf("range %d [%s, %s) scope %+v: rolled-up summary %s", i, from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano), sc, d)
			}
		}
	}
	return rolled
}

// TestPartnerSummaryRollupIsLive: on a year of grown history (refunds two days after their
// payments, payouts paid ten days later) and a shop paying every few hours for a week (CNH
// payments and USD ones converted, refunds of payments made days earlier, payouts paid days
// later), the summary served from the roll-up equals the live one over random periods (random
// instants, whole days, whole hours) in every scope: before the roll-up, after it, after late
// changes to rolled-up days (refunds of their payments), and after the next roll-up.
func TestPartnerSummaryRollupIsLive(t *testing.T) {
	t.Parallel()
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	start := time.Now().UTC().Truncate(time.Hour)
	clock := NewClock(start)
	e := New(t, Options{Clock: clock})
	ctx := context.Background()
	grown, err := db.Grow(ctx, e.Pool, db.GrowShape{Payments: 3000, Batch: 1000}, start)
	if err != nil {
		t.Fatal(err)
	}
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000000.00", "CNH")
	e.Fund(s.AccountID, "1000000.00", "USD")
	var shopID string
	if err := e.Pool.QueryRow(ctx, `SELECT id::text FROM partners WHERE code = '1688'`).Scan(&shopID); err != nil {
		t.Fatal(err)
	}
	scopes := []domain.Scope{{PartnerID: grown.MainPartnerID}, {PartnerID: shopID}, {All: true}, {}}
	rail := sandboxrail.Rail{Pool: e.Pool}
	type order struct{ id, ext string }
	var held []order // paid orders neither refunded in full nor released
	orders := 0
	pay := func() {
		orders++
		o := e.Order(s.PartnerKey, fmt.Sprintf("o-%d", orders), "buyer", "supplier", fmt.Sprintf("%d.%02d", 1000+rng.IntN(5000), rng.IntN(100)))
		in := map[string]any{"orderId": o, "method": "WORLD_PAY", "idempotencyKey": o}
		if rng.IntN(3) == 0 {
			e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
			in["method"], in["payCurrency"] = "WORLDFIRST_BALANCE", "USD"
		}
		e.MustSucceed(s.AccountKey, "payOrder", PayOrder, in)
		held = append(held, order{o, fmt.Sprintf("o-%d", orders)})
	}
	refund := func(i int) {
		e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": held[i].id, "amount": Money("10.00", "CNY"),
			"idempotencyKey": fmt.Sprintf("r-%s-%d", held[i].ext, clock.Now().UnixNano())})
	}
	payOut := func(i int) {
		e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": held[i].id})
		var po string
		if err := e.Pool.QueryRow(ctx, `SELECT id::text FROM payouts WHERE payment_id = $1`, e.PaymentOf(held[i].ext)).Scan(&po); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.SubmitPayout(ctx, po, rail); err != nil {
			t.Fatal(err)
		}
		held = append(held[:i], held[i+1:]...)
	}
	// A week, a step every three to seven hours.
	week := func() {
		for end := clock.Now().Add(7 * 24 * time.Hour); clock.Now().Before(end); {
			clock.Advance(time.Duration(3+rng.IntN(5)) * time.Hour)
			pay()
			if len(held) > 3 && rng.IntN(2) == 0 {
				refund(rng.IntN(len(held) - 2))
			}
			if len(held) > 5 && rng.IntN(3) == 0 {
				payOut(rng.IntN(len(held) - 4))
			}
		}
	}
	week()
	oldest := start.Add(-370 * 24 * time.Hour)
	summaryRanges(t, e, rng, 100, oldest, clock.Now().Add(24*time.Hour), scopes)

	// The roll-up catches up the whole year, a bounded run at a time, and then has nothing left.
	n, err := e.Svc.RollUpSummaries(ctx, time.Minute, 40)
	if err != nil || n != 40 {
		t.Fatalf("first run rolled up %d days (%v), want 40", n, err)
	}
	if n, err = e.Svc.RollUpSummaries(ctx, time.Minute, 0); err != nil || n < 300 {
		t.Fatalf("second run rolled up %d days (%v), want the rest of the year", n, err)
	}
	if n, err = e.Svc.RollUpSummaries(ctx, time.Minute, 0); err != nil || n != 0 {
		t.Fatalf("a run with nothing left rolled up %d days (%v)", n, err)
	}
	if rolled := summaryRanges(t, e, rng, 150, oldest, clock.Now().Add(24*time.Hour), scopes); rolled < 50 {
		t.Fatalf("only %d of 150 periods read rolled-up days", rolled)
	}

	// Late changes to rolled-up days: refunds of their payments lower their fees; then a week more.
	late := 0
	for i := range held {
		var rolledUp bool
		if err := e.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM summary_days WHERE day = (SELECT (created_at AT TIME ZONE 'UTC')::date
			FROM payments WHERE id = $1))`, e.PaymentOf(held[i].ext)).Scan(&rolledUp); err != nil {
			t.Fatal(err)
		}
		if rolledUp && late < 3 {
			refund(i)
			late++
		}
	}
	if late == 0 {
		t.Fatal("no payment of a rolled-up day left to refund")
	}
	summaryRanges(t, e, rng, 100, oldest, clock.Now().Add(24*time.Hour), scopes)
	week()
	summaryRanges(t, e, rng, 100, oldest, clock.Now().Add(24*time.Hour), scopes)
	if n, err := e.Svc.RollUpSummaries(ctx, time.Minute, 0); err != nil || n < 6 {
		t.Fatalf("the roll-up after a week rolled up %d days (%v)", n, err)
	}
	summaryRanges(t, e, rng, 150, oldest, clock.Now().Add(24*time.Hour), scopes)
	if n := e.Count(`SELECT count(*) FROM conversions`); n == 0 {
		t.Fatal("no conversions: the periods never summed any")
	}
}

// TestSandboxClockMoveDropsUnsafeDays: moving the sandbox clock back drops the roll-up of every
// day not safely over at the new time (and only those), the roll-up rolls nothing up right
// after a move forward, and a payment stamped with the moved clock inside a day that was
// rolled up counts in the summary.
func TestSandboxClockMoveDropsUnsafeDays(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	ctx := context.Background()
	now := time.Now()
	if _, err := db.Grow(ctx, e.Pool, db.GrowShape{Payments: 400, Batch: 400}, now); err != nil {
		t.Fatal(err)
	}
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "100000.00", "CNH")
	if n, err := e.Svc.RollUpSummaries(ctx, time.Minute, 0); err != nil || n < 300 {
		t.Fatalf("rolled up %d days (%v), want the year", n, err)
	}
	days := e.Count(`SELECT count(*) FROM summary_days`)
	// Forward: the days in between are over at the new time, but processes may still stamp
	// rows with the clock from before the move for a moment.
	e.SetSandboxClock(now.Add(3 * 24 * time.Hour).Format(time.RFC3339Nano))
	if n, err := e.Svc.RollUpSummaries(ctx, time.Minute, 0); err != nil || n != 0 {
		t.Fatalf("rolled up %d days (%v) right after the clock moved forward", n, err)
	}
	back := now.Add(-5 * 24 * time.Hour)
	e.SetSandboxClock(back.Format(time.RFC3339Nano))
	unsafe := domain.SummaryDayStart(back.Add(-domain.SummaryRollupMargin))
	if n := e.Count(`SELECT count(*) FROM summary_days WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date`, unsafe); n != 0 {
		t.Fatalf("%d days from %s still rolled up after the clock moved back to %s", n, unsafe, back)
	}
	if left, dropped := e.Count(`SELECT count(*) FROM summary_days`), int(now.Sub(unsafe).Hours()/24); left < days-dropped-1 {
		t.Fatalf("%d of %d days left after the move, want all but about %d", left, days, dropped)
	}
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "late", "buyer", "supplier", "1234.56"), "late")
	var shopID string
	if err := e.Pool.QueryRow(ctx, `SELECT id::text FROM partners WHERE code = '1688'`).Scan(&shopID); err != nil {
		t.Fatal(err)
	}
	from := domain.SummaryDayStart(back).Add(-24 * time.Hour)
	for _, sc := range []domain.Scope{{PartnerID: shopID}, {All: true}} {
		got, err := db.NewStore(e.Pool, nil).Reports().PartnerSummary(ctx, sc, from, from.Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.LivePartnerSummary(ctx, e.Pool, sc, from, from.Add(72*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if d := sameSummary(got, want); d != "" || (sc.PartnerID != "" && got.PaymentCount != 1) {
			t.Fatalf("scope %+v: %s (payments %d, want 1)", sc, d, got.PaymentCount)
		}
	}
}

// TestRollUpsAtOnceRollUpEachDayOnce: four roll-ups racing over a grown year roll up each day
// once between them, and none fails.
func TestRollUpsAtOnceRollUpEachDayOnce(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	if _, err := db.Grow(ctx, e.Pool, db.GrowShape{Payments: 400, Batch: 400}, time.Now()); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	total := 0
	var errs []error
	Race(4, func(int) {
		n, err := e.Svc.RollUpSummaries(ctx, time.Minute, 0)
		mu.Lock()
		defer mu.Unlock()
		total += n
		if err != nil {
			errs = append(errs, err)
		}
	})
	if days := e.Count(`SELECT count(*) FROM summary_days`); len(errs) > 0 || total != days || days < 360 {
		t.Fatalf("%d days rolled up by the four, %d stored, errors %v", total, days, errs)
	}
}

// TestRefundDuringRollUpLowersItsDay: a refund of a payment whose day is being rolled up,
// committed after the roll-up has read the day and before it commits, still lowers the day's
// rolled-up fees: the refund waits for the roll-up, then finds the day's row.
func TestRefundDuringRollUpLowersItsDay(t *testing.T) {
	t.Parallel()
	start := time.Now().UTC().Truncate(time.Hour)
	clock := NewClock(start)
	e := New(t, Options{Clock: clock})
	ctx := context.Background()
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "100000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), "p1")
	var shopID, orderID string
	if err := e.Pool.QueryRow(ctx, `SELECT partner_id::text, order_id::text FROM payments WHERE id = $1`, e.PaymentOf("o-1")).
		Scan(&shopID, &orderID); err != nil {
		t.Fatal(err)
	}
	clock.Advance(50 * time.Hour)

	// The roll-up's rows wait, as they are written, for advisory lock 42, which the test holds:
	// the roll-up has read the day (its statement's snapshot is taken) and not committed.
	if _, err := e.Pool.Exec(ctx, `CREATE FUNCTION hold_summary_rows() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN PERFORM pg_advisory_xact_lock_shared(42); RETURN NEW; END $$;
		CREATE TRIGGER hold BEFORE INSERT ON summary_rollups FOR EACH ROW EXECUTE FUNCTION hold_summary_rows()`); err != nil {
		t.Fatal(err)
	}
	hold, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(ctx) //nolint:errcheck
	if _, err := hold.Exec(ctx, `SELECT pg_advisory_xact_lock(42)`); err != nil {
		t.Fatal(err)
	}
	rolled := make(chan error, 1)
	go func() {
		_, err := e.Svc.RollUpSummaries(ctx, time.Minute, 0)
		rolled <- err
	}()
	wait.For(t, time.Minute, func() error {
		if e.Count(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 42 AND NOT granted`) == 0 {
			return errors.New("the roll-up is not held yet")
		}
		return nil
	})
	refunded := make(chan error, 1)
	go func() {
		_, _, err := e.Svc.RefundOrder(ctx, domain.Actor{Role: domain.RolePartner, PartnerID: shopID, KeyID: "test"},
			domain.RefundInput{OrderID: orderID, IdempotencyKey: "r1"})
		refunded <- err
	}()
	// The refund waits for the roll-up's lock (or, did it not, commits first).
	var refundErr error
	done := false
	wait.For(t, time.Minute, func() error {
		if e.Count(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid <> 42 AND NOT granted`) > 0 {
			return nil
		}
		select {
		case refundErr = <-refunded:
			done = true
			return nil
		default:
			return errors.New("the refund neither waits nor has committed")
		}
	})
	if err := hold.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-rolled; err != nil {
		t.Fatal(err)
	}
	if !done {
		refundErr = <-refunded
	}
	if refundErr != nil {
		t.Fatal(refundErr)
	}
	day := domain.SummaryDayStart(start)
	if n := e.Count(`SELECT count(*) FROM summary_days WHERE day = ($1::timestamptz AT TIME ZONE 'UTC')::date`, day); n != 1 {
		t.Fatal("the payment's day is not rolled up")
	}
	sc := domain.Scope{PartnerID: shopID}
	got, err := db.NewStore(e.Pool, nil).Reports().PartnerSummary(ctx, sc, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want, err := db.LivePartnerSummary(ctx, e.Pool, sc, day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if d := sameSummary(got, want); d != "" || got.PaymentCount != 1 || !got.Fees.Amount.IsZero() {
		t.Fatalf("the refunded payment's day: %s (fees %s, want 0)", d, got.Fees.Amount)
	}
}
