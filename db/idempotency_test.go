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
)

// claimOutcome is what one racing claim saw.
type claimOutcome struct {
	claimed bool
	result  string
	err     error
}

// TestIdempotencyKeyClaimRaceAcrossPartitions: claims of one key race from transactions that
// started on both sides of a partition boundary (their rows would land in different
// partitions, where no unique index sees both). Exactly one claims the key; every other one
// waits for it and replays its result.
func TestIdempotencyKeyClaimRaceAcrossPartitions(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	store := db.NewStore(e.Pool, nil)
	const perSide = 8
	const principal, key = "partner:race", "same-key"
	race := make(chan struct{})
	outcomes := make(chan claimOutcome, 2*perSide)
	var wg sync.WaitGroup
	// start runs one claimer: its transaction starts (fixing its now(), the row's created_at)
	// and reports the start, then it claims once race is closed.
	start := func(i int, started chan<- time.Time) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var o claimOutcome
			o.err = store.InTx(ctx, func(ctx context.Context, tx domain.Tx) error {
				at, err := db.TxStart(ctx, tx)
				started <- at
				if err != nil {
					return err
				}
				<-race
				rec, claimed, err := tx.ClaimIdempotencyKey(ctx, principal, key, "payOrder", "hash")
				if err != nil {
					return err
				}
				o.claimed, o.result = claimed, rec.ResultID
				if claimed {
					o.result = fmt.Sprint("result-", i)
					return tx.SetIdempotencyResult(ctx, principal, key, o.result)
				}
				return nil
			})
			outcomes <- o
		}()
	}
	startSide := func(from int) []time.Time {
		started := make(chan time.Time, perSide)
		for i := from; i < from+perSide; i++ {
			start(i, started)
		}
		var at []time.Time
		for range perSide {
			at = append(at, <-started)
		}
		return at
	}
	before := startSide(0)
	boundary := before[0]
	for _, at := range before {
		if at.After(boundary) {
			boundary = at
		}
	}
	boundary = boundary.Add(time.Microsecond)
	// The current week's partition is split at the boundary: the first side's rows belong
	// before it, the second side's after it.
	week := domain.PartitionStart(boundary)
	if _, err := e.Pool.Exec(ctx, fmt.Sprintf(`DROP TABLE IF EXISTS %s;
		CREATE TABLE idempotency_keys_before PARTITION OF idempotency_keys FOR VALUES FROM ('%s') TO ('%s');
		CREATE TABLE idempotency_keys_after PARTITION OF idempotency_keys FOR VALUES FROM ('%s') TO ('%s')`,
		pgx.Identifier{"idempotency_keys_p" + week.Format("20060102")}.Sanitize(),
		week.Format(time.RFC3339Nano), boundary.Format(time.RFC3339Nano),
		boundary.Format(time.RFC3339Nano), week.Add(domain.PartitionSpan).Format(time.RFC3339Nano))); err != nil {
		t.Fatal(err)
	}
	for _, at := range startSide(perSide) {
		if at.Before(boundary) {
			t.Fatalf("a transaction of the second side started at %s, before the boundary %s", at, boundary)
		}
	}
	close(race)
	wg.Wait()
	close(outcomes)
	var claims int
	var results []string
	for o := range outcomes {
		if o.err != nil {
			t.Fatal(o.err)
		}
		if o.claimed {
			claims++
		}
		results = append(results, o.result)
	}
	if claims != 1 {
		t.Fatalf("%d claims of one key, want 1", claims)
	}
	for _, r := range results[1:] {
		if r != results[0] {
			t.Fatalf("claims saw different results: %v", results)
		}
	}
	if n := e.Count(`SELECT count(*) FROM idempotency_keys WHERE principal = $1 AND key = $2`, principal, key); n != 1 {
		t.Fatalf("%d rows for the key, want 1", n)
	}
}

// TestIdempotencyKeyFromAnEarlierPartition: a key claimed last week (another partition) is
// replayed, not claimed again.
func TestIdempotencyKeyFromAnEarlierPartition(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	lastWeek := domain.PartitionStart(time.Now()).Add(-time.Hour)
	from := domain.PartitionStart(lastWeek)
	if _, err := e.Pool.Exec(ctx, `SELECT kjb_ensure_partition('idempotency_keys', 'created_at', $1, $2)`,
		from, from.Add(domain.PartitionSpan)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Pool.Exec(ctx, `INSERT INTO idempotency_keys (principal, key, operation, request_hash, result_id, created_at)
		VALUES ('partner:old', 'k', 'payOrder', 'hash', 'result-0', $1)`, lastWeek); err != nil {
		t.Fatal(err)
	}
	var rec domain.IdempotencyRecord
	var claimed bool
	err := db.NewStore(e.Pool, nil).InTx(ctx, func(ctx context.Context, tx domain.Tx) error {
		var err error
		rec, claimed, err = tx.ClaimIdempotencyKey(ctx, "partner:old", "k", "payOrder", "hash")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if claimed || rec.ResultID != "result-0" {
		t.Fatalf("claimed %v with result %q, want the replay of result-0", claimed, rec.ResultID)
	}
	if where := e.Count(`SELECT count(*) FROM idempotency_keys WHERE key = 'k' AND tableoid::regclass::text = 'idempotency_keys_default'`); where != 0 {
		t.Fatalf("last week's key is in the catch-all partition, not an earlier week's")
	}
}
