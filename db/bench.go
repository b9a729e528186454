package db

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"
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

// Checkpoint writes out the server's dirty buffers (CHECKPOINT), so that what one phase wrote
// is not flushed during the next one's timings. A role that may not (neither a superuser nor
// in pg_checkpoint) measures without: that is no error.
func Checkpoint(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `CHECKPOINT`)
	var pg *pgconn.PgError
	if errors.As(err, &pg) && pg.Code == "42501" { // insufficient_privilege
		return nil
	}
	return err
}

// DatabaseSize is the size on disk of the pool's database, in bytes.
func DatabaseSize(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var n int64
	err := pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n, err
}

// StatementStat is one statement's figures from pg_stat_statements.
type StatementStat struct {
	Query      string
	Calls      int64
	MeanMillis float64
	Rows       int64
}

// ResetStatementStats clears pg_stat_statements, creating the extension when the server has
// the library loaded; it reports false when the server does not offer it.
func ResetStatementStats(ctx context.Context, pool *pgxpool.Pool) bool {
	if _, err := pool.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		return false
	}
	_, err := pool.Exec(ctx, `SELECT pg_stat_statements_reset()`)
	return err == nil
}

// SlowestStatements lists the n statements of the pool's database with the highest mean time.
func SlowestStatements(ctx context.Context, pool *pgxpool.Pool, n int) ([]StatementStat, error) {
	rows, err := pool.Query(ctx, `SELECT regexp_replace(query, '\s+', ' ', 'g'), calls, mean_exec_time, rows
		FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY mean_exec_time DESC LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatementStat, error) {
		var s StatementStat
		err := r.Scan(&s.Query, &s.Calls, &s.MeanMillis, &s.Rows)
		return s, err
	})
}

// MonthPaymentsPerAccount is the month close's reference: one aggregation of the payments made
// in [from, to) per account (volume net of refunds, count, fees, refunded fees and their
// standard share: the sums the close's figures take), read to the end. It returns the number of
// accounts.
func MonthPaymentsPerAccount(ctx context.Context, pool *pgxpool.Pool, from, to time.Time) (int, error) {
	rows, err := pool.Query(ctx, `SELECT account_id, sum(amount - refunded_amount), count(*),
			coalesce(sum(standard_fee), 0), coalesce(sum(service_fee), 0), sum(refunded_fees), sum(refunded_standard_fee)
		FROM payments WHERE created_at >= $1 AND created_at < $2 GROUP BY account_id`, from, to)
	if err != nil {
		return 0, err
	}
	var (
		account                   string
		count                     int
		volume, std, svc, rf, rsf decimal.Decimal
	)
	n, err := pgx.ForEachRow(rows, []any{&account, &volume, &count, &std, &svc, &rf, &rsf}, func() error { return nil })
	return int(n.RowsAffected()), err
}
