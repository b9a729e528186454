package db

import (
	"context"
	"fmt"

	pgxdecimal "github.com/jackc/pgx-shopspring-decimal"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PoolConfig tunes the connection pool.
type PoolConfig struct {
	URL      string
	MaxConns int32 // 0: pgx's default
	AppName  string
	// Trace makes a span per statement (set when an OTLP exporter is configured).
	Trace bool
}

// Open connects a pool whose connections map numeric to decimal.Decimal exactly.
func Open(ctx context.Context, c PoolConfig) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(c.URL)
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	if c.MaxConns > 0 {
		cfg.MaxConns = c.MaxConns
	}
	if c.AppName != "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = c.AppName
	}
	if c.Trace {
		cfg.ConnConfig.Tracer = newQueryTracer()
	}
	cfg.AfterConnect = func(ctx context.Context, conn *pgx.Conn) error {
		pgxdecimal.Register(conn.TypeMap())
		return nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return pool, nil
}
