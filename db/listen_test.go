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

// listenerUnderTest runs a listener on its own pool (application_name app) and counts what it
// publishes. blockReconnect, when set, holds the listener after a lost connection until it is
// closed.
type listenerUnderTest struct {
	e    *Env
	app  string
	mu   sync.Mutex
	got  map[string]int
	lows chan int64
	lost chan error
}

func startListener(t *testing.T, e *Env, app string, blockReconnect chan struct{}) *listenerUnderTest {
	pool, err := db.Open(context.Background(), db.PoolConfig{URL: e.DBURL, MaxConns: 2, AppName: app})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	l := &listenerUnderTest{e: e, app: app, got: map[string]int{}, lows: make(chan int64, 1000), lost: make(chan error, 10)}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	onError := func(err error) {
		l.lost <- err
		if blockReconnect != nil {
			<-blockReconnect
		}
	}
	go db.ListenEventsEvery(ctx, pool, func(ev domain.Event) { l.mu.Lock(); l.got[ev.ID]++; l.mu.Unlock() }, onError,
		50*time.Millisecond, func(low int64) {
			select {
			case l.lows <- low:
			default:
			}
		})
	l.marks(t, 1)
	return l
}

// marks waits for n more confirmed checkpoints once the listener's catch-up mark is set.
func (l *listenerUnderTest) marks(t *testing.T, n int) {
	for range n {
		select {
		case <-l.lows:
		case <-time.After(30 * time.Second):
			t.Fatal("the listener confirms no checkpoint")
		}
	}
}

func (l *listenerUnderTest) cut(t *testing.T) {
	if _, err := l.e.Pool.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE application_name = $1`, l.app); err != nil {
		t.Fatal(err)
	}
	select {
	case <-l.lost:
	case <-time.After(30 * time.Second):
		t.Fatal("the listener did not notice its lost connection")
	}
}

// deliveredOnce waits until every id was published, then checks nothing was published twice.
func (l *listenerUnderTest) deliveredOnce(t *testing.T, ids []string) {
	wait.For(t, 30*time.Second, func() error {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, id := range ids {
			if l.got[id] == 0 {
				return fmt.Errorf("committed event %s not delivered", id)
			}
		}
		return nil
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	for id, n := range l.got {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
}

func eventsAfter(t *testing.T, e *Env, seq int) []string {
	rows, err := e.Pool.Query(context.Background(), `SELECT id::text FROM events WHERE seq > $1`, seq)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// TestListenerCatchesUpAfterLosingItsConnection ends the listener's connection (as a restart
// or a failover would) while top-ups commit: every committed event still reaches publish,
// exactly once.
func TestListenerCatchesUpAfterLosingItsConnection(t *testing.T) {
	t.Parallel()
	e := New(t)
	l := startListener(t, e, "kjb-listener", nil)
	before := e.Count(`SELECT coalesce(max(seq), 0)::int FROM events`)
	verify := func(i int) { e.Account(fmt.Sprint("Buyer ", i)) } // account.verified
	for i := range 3 {
		verify(i)
	}
	l.cut(t)
	for i := 3; i < 8; i++ { // committed while the listener reconnects
		verify(i)
	}
	want := eventsAfter(t, e, before)
	if len(want) < 8 {
		t.Fatalf("%d events committed, want 8 or more", len(want))
	}
	l.deliveredOnce(t, want)
}

// TestListenerCatchesUpAnEventCommittedLongAfterItOccurred: an event recorded ten minutes
// before its transaction commits (a transaction held through an outage), with later events
// delivered meanwhile and the listener checkpointing, commits while the listener is
// disconnected. After the reconnect it is delivered, exactly once, as is everything else.
func TestListenerCatchesUpAnEventCommittedLongAfterItOccurred(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	reconnect := make(chan struct{})
	l := startListener(t, e, "kjb-listener-late", reconnect)
	before := e.Count(`SELECT coalesce(max(seq), 0)::int FROM events`)
	e.Account("Buyer before")

	held, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Rollback(ctx) //nolint:errcheck
	var heldID string
	if err := held.QueryRow(ctx, `INSERT INTO events (id, type, occurred_at, object_type, object_id)
		VALUES (gen_random_uuid(), $1, now() - interval '10 minutes', 'Account', gen_random_uuid()) RETURNING id::text`,
		domain.EventAccountVerified).Scan(&heldID); err != nil {
		t.Fatal(err)
	}
	e.Account("Buyer during") // a higher sequence number, committed and delivered first
	l.deliveredOnce(t, eventsAfter(t, e, before))
	l.marks(t, 5) // checkpoints taken while the held transaction runs

	l.cut(t)
	if err := held.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	e.Account("Buyer while disconnected")
	close(reconnect)

	want := eventsAfter(t, e, before)
	if len(want) < 4 {
		t.Fatalf("%d events committed, want 4 or more", len(want))
	}
	l.deliveredOnce(t, want)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.got[heldID] != 1 {
		t.Errorf("the event committed long after it occurred was delivered %d times", l.got[heldID])
	}
}
