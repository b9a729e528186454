package db

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// OpsSnapshot is what operators watch of the money, read at scrape time.
type OpsSnapshot struct {
	OldestPayoutSecs float64 // age of the oldest payout not yet paid (0 when none)
	OpenPayouts      int
	FXPositions      map[string]float64 // house FX position per currency (a metric, not money)
}

// ReadOpsSnapshot reads the snapshot in two small queries.
func ReadOpsSnapshot(ctx context.Context, pool *pgxpool.Pool) (OpsSnapshot, error) {
	var s OpsSnapshot
	if err := pool.QueryRow(ctx, `SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8, count(*)
		FROM payouts WHERE status IN ('PENDING', 'SUBMITTED', 'FAILED')`).Scan(&s.OldestPayoutSecs, &s.OpenPayouts); err != nil {
		return s, err
	}
	s.FXPositions = map[string]float64{}
	rows, err := pool.Query(ctx, `SELECT currency, sum(amount)::float8 FROM ledger_entries WHERE book = 'FX_POSITION' GROUP BY currency`)
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
