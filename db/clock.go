package db

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SandboxClock is the clock kept in Postgres that the API and the workers both read. It runs
// from the time it was set (an offset from the wall clock), re-read at most every refresh, so
// reading it costs no query on the hot path; a process that sets it sees the new time at once.
type SandboxClock struct {
	pool    *pgxpool.Pool
	refresh time.Duration

	mu      sync.Mutex
	offset  time.Duration
	checked time.Time
}

// NewSandboxClock reads the stored clock every refresh (1s when zero).
func NewSandboxClock(pool *pgxpool.Pool, refresh time.Duration) *SandboxClock {
	if refresh <= 0 {
		refresh = time.Second
	}
	return &SandboxClock{pool: pool, refresh: refresh}
}

// Now is the sandbox time. If the stored clock cannot be read, the last known offset holds.
func (c *SandboxClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := time.Now()
	if wall.Sub(c.checked) >= c.refresh {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		var now, setAt time.Time
		err := c.pool.QueryRow(ctx, `SELECT now, set_at FROM sandbox_clock`).Scan(&now, &setAt)
		cancel()
		switch {
		case err == nil:
			c.offset = now.Sub(setAt)
		case errors.Is(err, pgx.ErrNoRows):
			c.offset = 0
		}
		c.checked = wall
	}
	return wall.Add(c.offset)
}

// Set moves the clock to now for every process.
func (c *SandboxClock) Set(ctx context.Context, now time.Time) error {
	wall := time.Now()
	_, err := c.pool.Exec(ctx, `INSERT INTO sandbox_clock (singleton, now, set_at) VALUES (true, $1, $2)
		ON CONFLICT (singleton) DO UPDATE SET now = EXCLUDED.now, set_at = EXCLUDED.set_at`, now, wall)
	if err != nil {
		return translate(err)
	}
	c.mu.Lock()
	c.offset, c.checked = now.Sub(wall), wall
	c.mu.Unlock()
	return nil
}
