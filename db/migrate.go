package db

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, n := range names {
		base := strings.TrimPrefix(n, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// MigrationsHash identifies the set of migrations, so test templates are rebuilt when it changes.
func MigrationsHash() string {
	ms, _ := migrations()
	h := sha256.New()
	for _, m := range ms {
		h.Write([]byte(m.name))
		h.Write([]byte(m.sql))
	}
	fmt.Fprint(h, domain.DefaultFeeSchedule())
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// Migrate applies the migrations not yet applied, each in its own transaction, under an
// advisory lock so concurrent runs apply each once. Safe to run any number of times.
func Migrate(ctx context.Context, pool *pgxpool.Pool) (applied []string, err error) {
	return migrateUpTo(ctx, pool, math.MaxInt)
}

// migrateUpTo is Migrate stopping after the migration numbered last.
func migrateUpTo(ctx context.Context, pool *pgxpool.Pool, last int) (applied []string, err error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	for len(ms) > 0 && ms[len(ms)-1].version > last {
		ms = ms[:len(ms)-1]
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	const lockKey = 7_381_688_001
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, lockKey); err != nil {
		return nil, err
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, lockKey) //nolint:errcheck
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS kjb_schema_migrations (
		version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, err
	}
	for _, m := range ms {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var done bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM kjb_schema_migrations WHERE version = $1)`, m.version).Scan(&done); err != nil || done {
				return err
			}
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if seed := seeds[m.version]; seed != nil {
				if err := seed(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			applied = append(applied, m.name)
			_, err := tx.Exec(ctx, `INSERT INTO kjb_schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name)
			return err
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}
