package db_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/internal/wait"
)

// TestSandboxClockNeverWaitsForAConnection: with every connection of the pool held (as by
// transactions about to read the clock), Now still answers at once, from what it knows; the
// time another process stored is picked up once a connection is free.
func TestSandboxClockNeverWaitsForAConnection(t *testing.T) {
	t.Parallel()
	tdb := testdb.New(t)
	ctx := context.Background()
	pool, err := db.Open(ctx, db.PoolConfig{URL: tdb.URL, MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	clock := db.NewSandboxClock(pool, time.Nanosecond) // a read is due on every call
	var held []func()
	releaseAll := func() {
		for _, release := range held {
			release()
		}
		held = nil
	}
	defer releaseAll() // before the pool closes, should the test fail
	for range 2 {
		c, err := pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c.Release)
	}
	target := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := db.NewSandboxClock(tdb.Pool, time.Second).Set(ctx, target); err != nil { // another process
		t.Fatal(err)
	}
	answered := make(chan time.Time)
	go func() {
		var last time.Time
		for range 100 {
			last = clock.Now()
		}
		answered <- last
	}()
	select {
	case now := <-answered:
		if now.Year() == 2030 {
			t.Fatalf("read the stored clock without a free connection: %v", now)
		}
	case <-time.After(10 * time.Second): // a Now that waited for a connection would take minutes
		t.Fatal("Now waited for a database connection")
	}
	releaseAll()
	wait.For(t, 10*time.Second, func() error {
		if now := clock.Now(); now.Before(target) {
			return fmt.Errorf("the stored clock was never read: Now is %v, stored %v", now, target)
		}
		return nil
	})
}
