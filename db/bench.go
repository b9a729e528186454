package db

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Support for `kjb bench`'s payout drain.

// HeldEscrows counts payments whose money is still in escrow.
func HeldEscrows(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var n int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM payments WHERE escrow_status = 'HELD'`).Scan(&n)
	return n, err
}

// MakeReleasesDue ends the hold of n escrows now: their release jobs' own time (the job checks
// it) and River's schedule, with the jobs available as a due backlog is (River's leader would
// otherwise move them from scheduled in periodic batches, which measures its scheduler, not
// the drain).
func MakeReleasesDue(ctx context.Context, pool *pgxpool.Pool, n int) error {
	_, err := pool.Exec(ctx, `UPDATE river_job SET state = 'available', scheduled_at = now(), args = jsonb_set(args, '{at}', to_jsonb(now()))
		WHERE id IN (SELECT id FROM river_job WHERE kind = 'escrow.release' AND state = 'scheduled' ORDER BY id LIMIT $1)`, n)
	return err
}

// PaidPayouts counts payouts the rail has paid.
func PaidPayouts(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var n int
	err := pool.QueryRow(ctx, `SELECT count(*) FROM payouts WHERE status = 'PAID'`).Scan(&n)
	return n, err
}

// Vacuum vacuums and analyzes the whole database, as pgbench does before it measures: the
// tables a seed has just filled are not then vacuumed by autovacuum in the middle of a run.
func Vacuum(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `VACUUM (ANALYZE)`)
	return err
}
