package db

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
)

// SandboxClock is the clock kept in Postgres that the API and the workers both read. It runs
// from the time it was set (an offset from the wall clock), re-read in the background at most
// every refresh: reading it costs no query, and a process that sets it sees the new time at
// once, the others within about a refresh.
//
// Now never waits for the database. It is called inside transactions, each holding one of the
// pool's connections; a Now that waited for another connection could wait for ever once every
// connection is held by a transaction waiting for Now.
type SandboxClock struct {
	pool    *pgxpool.Pool
	refresh time.Duration

	mu        sync.Mutex
	offset    time.Duration
	checked   time.Time
	reloading bool
	sets      uint64 // Set calls so far: a read begun before a Set must not undo it
}

// NewSandboxClock reads the stored clock now and then every refresh (1s when zero).
func NewSandboxClock(pool *pgxpool.Pool, refresh time.Duration) *SandboxClock {
	if refresh <= 0 {
		refresh = time.Second
	}
	c := &SandboxClock{pool: pool, refresh: refresh, reloading: true}
	c.reload()
	return c
}

// Now is the sandbox time. When the stored clock is due to be read again it starts one read in
// the background and answers with the offset it has; if the stored clock cannot be read, the
// last known offset holds.
func (c *SandboxClock) Now() time.Time {
	wall := time.Now()
	c.mu.Lock()
	offset := c.offset
	due := !c.reloading && wall.Sub(c.checked) >= c.refresh
	if due {
		c.reloading = true
	}
	c.mu.Unlock()
	if due {
		go c.reload()
	}
	return wall.Add(offset)
}

// reload reads the stored clock; the caller has set reloading.
func (c *SandboxClock) reload() {
	c.mu.Lock()
	sets := c.sets
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	var now, setAt time.Time
	err := c.pool.QueryRow(ctx, `SELECT now, set_at FROM sandbox_clock`).Scan(&now, &setAt)
	cancel()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reloading, c.checked = false, time.Now()
	if c.sets != sets {
		return // set meanwhile: this process already knows better
	}
	switch {
	case err == nil:
		c.offset = now.Sub(setAt)
	case errors.Is(err, pgx.ErrNoRows):
		c.offset = 0
	}
}

// Set moves the clock to now for every process. It drops the partner summary roll-up of every
// day that is not yet over for domain.SummaryRollupMargin at the new time: rows may now be
// stamped inside them again (the roll-up waits for that margin after a move before it rolls
// up any day).
func (c *SandboxClock) Set(ctx context.Context, now time.Time) error {
	wall := time.Now()
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		// The roll-up's lock first: a roll-up under way commits before the drop reads its days,
		// and a later one sees the move.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(summaryLock)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sandbox_clock (singleton, now, set_at) VALUES (true, $1, $2)
			ON CONFLICT (singleton) DO UPDATE SET now = EXCLUDED.now, set_at = EXCLUDED.set_at`, now, wall)
		if err != nil {
			return err
		}
		return dropSummaryDaysFrom(ctx, tx, now.Add(-domain.SummaryRollupMargin))
	})
	if err != nil {
		return translate(err)
	}
	c.mu.Lock()
	c.offset, c.checked = now.Sub(wall), wall
	c.sets++
	c.mu.Unlock()
	return nil
}
