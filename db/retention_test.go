package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestRetention: per retained table, a week-long partition wholly past retention is dropped
// (with its rows), rows still retained stay, the partitions ahead are made, and the catch-all
// partition loses its expired rows and keeps the others.
func TestRetention(t *testing.T) {
	t.Parallel()
	now := time.Now()
	e := New(t, Options{Clock: NewClock(now)})
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := e.Pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO partners (id, code, name, created_at) VALUES ('00000000-0000-7000-8000-000000000001', 'ret', 'Retention', now());
		INSERT INTO webhook_endpoints (id, partner_id, url, secret, created_at)
			VALUES ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'https://example.com', 's', now())`)
	// insert writes one row of the table stamped at $1 and marked by $2.
	tables := []struct {
		table, key, mark string
		keep             time.Duration
		insert           string
	}{
		{"events", "occurred_at", "object_type", domain.EventRetention,
			`INSERT INTO events (id, type, occurred_at, object_type, object_id) VALUES (gen_random_uuid(), 'payout.paid', $1, $2, gen_random_uuid())`},
		{"webhook_deliveries", "created_at", "event_type", domain.WebhookDeliveryRetention,
			`INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, duration_ms, created_at)
				VALUES (gen_random_uuid(), '00000000-0000-7000-8000-000000000002', gen_random_uuid(), $2, 1, 5, $1)`},
		{"idempotency_keys", "created_at", "key", domain.IdempotencyRetention,
			`INSERT INTO idempotency_keys (principal, key, operation, request_hash, created_at) VALUES ('p', $2, 'payOrder', 'h', $1)`},
	}
	week := domain.PartitionSpan
	var expired []string
	for _, tb := range tables {
		cutoff := now.Add(-tb.keep)
		// The week before the one holding the cutoff ends at or before it: wholly expired.
		old := domain.PartitionStart(cutoff).Add(-week)
		// The partition may exist already: the test databases are cloned from a template
		// migrated (and so partitioned) days before, whose first week can be this one.
		var name string
		if err := e.Pool.QueryRow(ctx, `SELECT coalesce(kjb_ensure_partition($1::regclass, $2, $3, $4),
				$1 || '_p' || to_char($3 AT TIME ZONE 'UTC', 'YYYYMMDD'))`, tb.table, tb.key, old, old.Add(week)).
			Scan(&name); err != nil {
			t.Fatal(err)
		}
		expired = append(expired, name)
		for mark, at := range map[string]time.Time{
			"expired":         old.Add(time.Hour),
			"retained":        cutoff.Add(time.Hour),
			"default-expired": cutoff.Add(-60 * week), // no partition: in the catch-all
			"default-future":  now.Add(8 * week),
		} {
			exec(tb.insert, at, mark)
		}
	}
	pruned, err := e.Svc.PruneEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range expired {
		if !slices.Contains(pruned.Dropped, name) {
			t.Errorf("dropped %v, want %s among them", pruned.Dropped, name)
		}
		if n := e.Count(`SELECT count(*) FROM pg_class WHERE relname = $1`, name); n != 0 {
			t.Errorf("partition %s still exists", name)
		}
	}
	if pruned.Deleted != len(tables) {
		t.Errorf("deleted %d rows from the catch-all partitions, want %d", pruned.Deleted, len(tables))
	}
	for _, tb := range tables {
		for mark, want := range map[string]int{"expired": 0, "retained": 1, "default-expired": 0, "default-future": 1} {
			if got := e.Count(fmt.Sprintf(`SELECT count(*) FROM %s WHERE %s = $1`, tb.table, tb.mark), mark); got != want {
				t.Errorf("%s %s rows: %d, want %d", tb.table, mark, got, want)
			}
		}
		// The partitions ahead exist: a row a week from now is not written to the catch-all.
		exec(tb.insert, now.Add(week), "ahead")
		var where string
		if err := e.Pool.QueryRow(ctx, fmt.Sprintf(`SELECT tableoid::regclass::text FROM %s WHERE %s = 'ahead'`, tb.table, tb.mark)).
			Scan(&where); err != nil {
			t.Fatal(err)
		}
		if where == tb.table+"_default" {
			t.Errorf("%s: a row a week ahead went to %s", tb.table, where)
		}
	}
}

// TestRetentionWaitsBrieflyForABusyTable: while a long transaction reads the events, their
// expired partition is not dropped (the drop gives up waiting for its lock instead of holding
// up every statement queued behind it) and the run says so; the other tables' retention goes
// on; the next run, once the reader is gone, drops it.
func TestRetentionWaitsBrieflyForABusyTable(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	if _, err := e.Svc.PruneEvents(ctx); err != nil { // every partition needed exists
		t.Fatal(err)
	}
	now := time.Now()
	expired := map[string]string{}
	for table, keep := range map[string]time.Duration{"events": domain.EventRetention, "idempotency_keys": domain.IdempotencyRetention} {
		old := domain.PartitionStart(now.Add(-keep)).Add(-domain.PartitionSpan)
		var name string
		if err := e.Pool.QueryRow(ctx, `SELECT kjb_ensure_partition($1::regclass, $2, $3, $4)`, table,
			map[string]string{"events": "occurred_at", "idempotency_keys": "created_at"}[table], old, old.Add(domain.PartitionSpan)).Scan(&name); err != nil {
			t.Fatal(err)
		}
		expired[table] = name
	}
	reader, err := e.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback(ctx) //nolint:errcheck
	if _, err := reader.Exec(ctx, `SELECT count(*) FROM events`); err != nil {
		t.Fatal(err)
	}
	pruned, err := e.Svc.PruneEvents(ctx)
	if err == nil {
		t.Fatalf("pruned %+v while a transaction read the events, with no error", pruned)
	}
	if slices.Contains(pruned.Dropped, expired["events"]) || e.Count(`SELECT count(*) FROM pg_class WHERE relname = $1`, expired["events"]) != 1 {
		t.Fatalf("the events partition %s was dropped under a reader", expired["events"])
	}
	if !slices.Contains(pruned.Dropped, expired["idempotency_keys"]) {
		t.Fatalf("dropped %v: the idempotency keys' partition %s waited for the events", pruned.Dropped, expired["idempotency_keys"])
	}
	if err := reader.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	pruned, err = e.Svc.PruneEvents(ctx)
	if err != nil || !slices.Contains(pruned.Dropped, expired["events"]) {
		t.Fatalf("once the reader ended: dropped %v, %v; want %s dropped", pruned.Dropped, err, expired["events"])
	}
}
