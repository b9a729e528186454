package db

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
	"github.com/shopspring/decimal"
)

// summaryLock is the advisory lock of the summary roll-up: the roll-up takes it exclusively,
// a refund lowering a rolled-up day's fees shares it. Either the refund's change is committed
// before the roll-up reads the day, or the refund finds the day's row once the roll-up has
// committed it and lowers it: never neither.
const summaryLock = 7315061803

// utcDay is the SQL of the UTC calendar day of a timestamptz expression: the day partnerSummary
// rolls up by.
func utcDay(expr string) string { return "(" + expr + " AT TIME ZONE 'UTC')::date" }

// summaryTables are the tables partnerSummary sums.
var summaryTables = []string{"payments", "refunds", "payouts", "conversions"}

// WaitSummaryWriters waits for the transactions holding a write lock (or rows locked FOR UPDATE
// or SHARE) on a summed table when it is called; it takes no lock, so payments never wait for it.
func (q queries) WaitSummaryWriters(ctx context.Context, wait time.Duration) error {
	running, err := waitForWriters(ctx, q.q, summaryTables, []string{"RowExclusiveLock", "RowShareLock"}, wait)
	if err == nil && running > 0 {
		err = domain.Errorf(domain.CodeInvalidState, nil, "%d writers of payments still running after %s: rolling up later", running, wait)
	}
	return err
}

// RollUpSummaryDays rolls up, oldest first, at most limit of the UTC days ending at or before
// `before` (from the day of the oldest payment, refund or paid payout) that are not rolled up
// yet. Each day gets its row in summary_days even when it holds nothing, so it is read from
// the roll-up, not live.
func (t *txStore) RollUpSummaryDays(ctx context.Context, before time.Time, limit int) (int, error) {
	if _, err := t.tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(summaryLock)); err != nil {
		return 0, err
	}
	// Rows may still be stamped with the sandbox clock from before a recent move (each process
	// re-reads it every second or so). A move takes the lock too: it commits before this reads
	// it, or after this has committed, and then drops the days it makes unsafe.
	rows, err := t.tx.Query(ctx, `SELECT set_at FROM sandbox_clock`)
	if err != nil {
		return 0, err
	}
	setAt, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
	if err != nil {
		return 0, err
	}
	if len(setAt) > 0 && time.Since(setAt[0]) < domain.SummaryRollupMargin {
		return 0, nil
	}
	rows, err = t.tx.Query(ctx, `SELECT d::date::text FROM generate_series(
			`+utcDay(`least((SELECT min(created_at) FROM payments), (SELECT min(created_at) FROM refunds),
				(SELECT min(paid_at) FROM payouts WHERE status = 'PAID'))`)+`,
			`+utcDay("$1::timestamptz")+` - 1, interval '1 day') d
		WHERE NOT EXISTS (SELECT 1 FROM summary_days s WHERE s.day = d::date)
		ORDER BY d LIMIT $2`, before, limit)
	if err != nil {
		return 0, err
	}
	days, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(days) == 0 {
		return 0, err
	}
	lo, err := time.Parse(time.DateOnly, days[0])
	if err != nil {
		return 0, err
	}
	hi, err := time.Parse(time.DateOnly, days[len(days)-1])
	if err != nil {
		return 0, err
	}
	// $1 the days, $2 and $3 the instants they span.
	args := []any{days, lo, hi.Add(24 * time.Hour)}
	t.tx.deferExec(`INSERT INTO summary_days (day, rolled_at) SELECT unnest($1::text[]::date[]), now()`, days)
	t.tx.deferExec(`INSERT INTO summary_rollups (partner_id, day, payment_count, payment_volume, fees, refunds, payouts_paid)
		SELECT partner_id, day, sum(n), sum(volume), sum(fees), sum(refunds), sum(paid) FROM (
			SELECT partner_id, `+utcDay("created_at")+` AS day, count(*) AS n, sum(amount) AS volume,
				sum(`+netFees("")+`) AS fees, 0 AS refunds, 0 AS paid
			FROM payments WHERE created_at >= $2 AND created_at < $3 GROUP BY 1, 2
			UNION ALL
			SELECT p.partner_id, `+utcDay("r.created_at")+`, 0, 0, 0, sum(r.amount), 0
			FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.created_at >= $2 AND r.created_at < $3 GROUP BY 1, 2
			UNION ALL
			SELECT partner_id, `+utcDay("paid_at")+`, 0, 0, 0, 0, sum(amount)
			FROM payouts WHERE status = 'PAID' AND paid_at >= $2 AND paid_at < $3 GROUP BY 1, 2
		) x WHERE day = ANY($1::text[]::date[]) GROUP BY 1, 2`, args...)
	t.tx.deferExec(`INSERT INTO summary_rollup_conversions (partner_id, day, currency, sold)
		SELECT p.partner_id, `+utcDay("p.created_at")+`, c.sell_currency, sum(c.sell_amount)
		FROM payments p JOIN conversions c ON c.id = p.conversion_id
		WHERE p.created_at >= $2 AND p.created_at < $3 AND `+utcDay("p.created_at")+` = ANY($1::text[]::date[]) GROUP BY 1, 2, 3`, args...)
	return len(days), t.tx.flush(ctx)
}

// LowerSummaryFees takes fees off the rolled-up fees of the partner's payments of the UTC day
// of paymentCreatedAt; nothing when that day is not rolled up (it is then read live).
func (t *txStore) LowerSummaryFees(ctx context.Context, partnerID string, paymentCreatedAt time.Time, fees decimal.Decimal) error {
	if fees.IsZero() {
		return nil
	}
	// The lock first, then the day in a statement of its own: its snapshot sees a roll-up that
	// committed while this transaction waited for the lock.
	t.tx.deferExec(`SELECT pg_advisory_xact_lock_shared($1)`, int64(summaryLock))
	t.tx.deferExec(`INSERT INTO summary_rollups (partner_id, day, fees)
		SELECT $1::uuid, day, -$3::numeric FROM summary_days WHERE day = `+utcDay("$2::timestamptz")+`
		ON CONFLICT (partner_id, day) DO UPDATE SET fees = summary_rollups.fees - $3::numeric`, partnerID, paymentCreatedAt, fees)
	return nil
}

// dropSummaryDaysFrom drops the roll-up of the UTC day of at and every later day.
func dropSummaryDaysFrom(ctx context.Context, tx pgx.Tx, at time.Time) error {
	_, err := tx.Exec(ctx, `DELETE FROM summary_days WHERE day >= `+utcDay("$1::timestamptz"), at)
	return err
}
