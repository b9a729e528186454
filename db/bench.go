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

// DatabaseSize is the size on disk of the pool's database, in bytes.
func DatabaseSize(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n, err
}
