package db

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpsSnapshot is what operators watch of the money, read at scrape time.
type OpsSnapshot struct {
	OldestPayoutSecs float64 // age of the oldest payout not yet paid (0 when none)
	OpenPayouts      int
	FXPositions      map[string]float64 // house FX position per currency (a metric, not money)
}

// ReadOpsSnapshot reads the snapshot in two small queries. The FX position is the audit
// checkpoint's rolled-up total plus the entries since the checkpoint, so its cost follows the
// entries since the last audit, not the ledger's size.
func ReadOpsSnapshot(ctx context.Context, pool *pgxpool.Pool) (OpsSnapshot, error) {
	var s OpsSnapshot
	if err := pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8, count(*)
		FROM payouts WHERE status IN `+openPayouts).Scan(&s.OldestPayoutSecs, &s.OpenPayouts); err != nil {
		return s, err
	}
	s.FXPositions = map[string]float64{}
	var since int64
	if err := pool.QueryRow(ctx, `SELECT coalesce((SELECT entry_id FROM ledger_audit_checkpoint), 0)`).Scan(&since); err != nil {
		return s, err
	}
	// The bound is written into the statement so that each plan knows it: the range of recent
	// entries is read by the primary key.
	rows, err := pool.Query(ctx, fmt.Sprintf(`SELECT currency, sum(total)::float8 FROM (
			SELECT currency, total FROM ledger_audit_totals WHERE book = 'FX_POSITION'
			UNION ALL SELECT currency, amount FROM ledger_entries WHERE id > %d AND book = 'FX_POSITION') x
		GROUP BY currency`, since))
	if err != nil {
		return s, err
	}
	defer rows.Close()
	for rows.Next() {
		var cur string
		var v float64
		if err := rows.Scan(&cur, &v); err != nil {
			return s, err
		}
		s.FXPositions[cur] = v
	}
	return s, rows.Err()
}
