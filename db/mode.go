package db

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// MarkProduction records that a process outside sandbox mode has used this database. The first
// mark stays; a database not yet migrated is left unmarked (the next start marks it).
func MarkProduction(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `INSERT INTO deployment_mode (production_since) VALUES (now()) ON CONFLICT DO NOTHING`)
	if isUndefinedTable(err) {
		return nil
	}
	return err
}

// ProductionSince returns when production first used this database; ok is false when it never has.
func ProductionSince(ctx context.Context, pool *pgxpool.Pool) (since time.Time, ok bool, err error) {
	err = pool.QueryRow(ctx, `SELECT production_since FROM deployment_mode`).Scan(&since)
	if errors.Is(err, pgx.ErrNoRows) || isUndefinedTable(err) {
		return time.Time{}, false, nil
	}
	return since, err == nil, err
}

func isUndefinedTable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "42P01"
}
