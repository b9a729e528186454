package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
)

// TestListenerCatchesUpAfterLosingItsConnection ends the listener's connection (as a restart
// or a failover would) while top-ups commit: every committed event still reaches publish,
// exactly once.
func TestListenerCatchesUpAfterLosingItsConnection(t *testing.T) {
	t.Parallel()
	e := New(t)
	before := e.Count(`SELECT coalesce(max(seq), 0)::int FROM events`)
	pool, err := db.Open(context.Background(), db.PoolConfig{URL: e.DBURL, MaxConns: 2, AppName: "kjb-listener"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var mu sync.Mutex
	got := map[string]int{}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go db.ListenEvents(ctx, pool, func(ev domain.Event) { mu.Lock(); got[ev.ID]++; mu.Unlock() }, func(error) {})
	listening := `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kjb-listener' AND query LIKE 'LISTEN%'`
	wait.For(t, 30*time.Second, func() error {
		if e.Count(listening) != 1 {
			return fmt.Errorf("not listening")
		}
		return nil
	})
	verify := func(i int) { e.Account(fmt.Sprint("Buyer ", i)) } // account.verified
	for i := range 3 {
		verify(i)
	}
	if _, err := e.Pool.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = 'kjb-listener' AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 8; i++ { // committed while the listener reconnects
		verify(i)
	}
	rows, err := e.Pool.Query(context.Background(), `SELECT id::text FROM events WHERE seq > $1`, before)
	if err != nil {
		t.Fatal(err)
	}
	want, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(want) != 8 {
		t.Fatalf("%d events committed (%v), want 8", len(want), err)
	}
	wait.For(t, 30*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		for _, id := range want {
			if got[id] == 0 {
				return fmt.Errorf("committed event %s not delivered", id)
			}
		}
		return nil
	})
	mu.Lock()
	defer mu.Unlock()
	for id, n := range got {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}
