// Package testdb gives each test its own migrated PostgreSQL database, cloned from a template
// that is built once per set of migrations. KJB_TEST_DATABASE_URL names the server (an admin
// URL); `make test` starts one and sets it.
package testdb

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/worker"
)

// DB is one test's database.
type DB struct {
	Pool *pgxpool.Pool
	URL  string
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

func adminURL(t testing.TB) string {
	u := os.Getenv("KJB_TEST_DATABASE_URL")
	if u == "" {
		t.Fatal("KJB_TEST_DATABASE_URL is not set: run the tests with `make test`, which starts PostgreSQL")
	}
	return u
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// New returns a fresh migrated database, dropped when the test ends.
func New(t testing.TB) DB {
	t.Helper()
	admin := adminURL(t)
	ctx := context.Background()
	templateOnce.Do(func() { templateName, templateErr = buildTemplate(ctx, admin) })
	if templateErr != nil {
		t.Fatalf("test template database: %v", templateErr)
	}
	return create(t, admin, "TEMPLATE "+templateName)
}

// Empty returns a fresh database with no migrations applied, dropped when the test ends.
func Empty(t testing.TB) DB {
	t.Helper()
	return create(t, adminURL(t), "")
}

// create makes a database with the given CREATE DATABASE options and a pool on it, dropped
// when the test ends.
func create(t testing.TB, admin, options string) DB {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("kjb_test_%d_%d", os.Getpid(), rand.Uint64())
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to test server: %v", err)
	}
	defer conn.Close(ctx)
	for attempt := 0; ; attempt++ {
		_, err = conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s %s`, name, options))
		var pg *pgconn.PgError
		// 55006: another session is briefly connected to the template (a concurrent clone).
		if errors.As(err, &pg) && pg.Code == "55006" && attempt < 100 {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		break
	}
	if err != nil {
		t.Fatalf("clone test database: %v", err)
	}
	u := withDatabase(admin, name)
	pool, err := db.Open(ctx, db.PoolConfig{URL: u, MaxConns: 30})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() {
		pool.Close()
		c, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			_, _ = c.Exec(context.Background(), fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
			c.Close(context.Background())
		}
	})
	return DB{Pool: pool, URL: u}
}

// buildTemplate creates and migrates the template for the current migrations once per server.
func buildTemplate(ctx context.Context, admin string) (string, error) {
	name := "kjb_template_" + db.MigrationsHash()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// Serialise template builds across test processes.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7381688002)`); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(7381688002)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil || exists {
		return name, err
	}
	_, _ = conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	pool, err := db.Open(ctx, db.PoolConfig{URL: withDatabase(admin, name)})
	if err != nil {
		return "", err
	}
	if _, err := db.Migrate(ctx, pool); err != nil {
		pool.Close()
		return "", err
	}
	if err := worker.Migrate(ctx, pool); err != nil {
		pool.Close()
		return "", err
	}
	pool.Close()
	_, err = conn.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s IS_TEMPLATE true`, name))
	return name, err
}
