package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/internal/testdb"
)

// TestPartitioningMigrationsKeepRows: a database with events, webhook delivery attempts and
// idempotency keys from before migrations 0060–0062 keeps every row, with the same values and
// event sequence numbers, in the partitioned tables; the rows of retained weeks sit in their
// weeks' partitions; the sequence goes on from where it was; a migrated key still replays.
func TestPartitioningMigrationsKeepRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Empty(t).Pool
	if _, err := db.MigrateUpTo(ctx, pool, 59); err != nil {
		t.Fatal(err)
	}
	// Events an hour apart over 100 days and one 60 days ahead; attempts over 40 days; keys
	// over 12 days.
	if _, err := pool.Exec(ctx, `
		INSERT INTO partners (id, code, name, created_at) VALUES ('00000000-0000-7000-8000-000000000001', 'c', 'C', now());
		INSERT INTO webhook_endpoints (id, partner_id, url, secret, created_at)
			VALUES ('00000000-0000-7000-8000-000000000002', '00000000-0000-7000-8000-000000000001', 'https://example.com', 's', now());
		INSERT INTO events (id, type, occurred_at, partner_id, object_type, object_id)
			SELECT gen_random_uuid(), 'payout.paid', now() - i * interval '1 hour', '00000000-0000-7000-8000-000000000001', 'Payout', gen_random_uuid()
			FROM generate_series(0, 2400) i;
		INSERT INTO events (id, type, occurred_at, object_type, object_id) VALUES (gen_random_uuid(), 'payout.paid', now() + interval '60 days', 'Payout', gen_random_uuid());
		INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, attempt, duration_ms, created_at)
			SELECT gen_random_uuid(), '00000000-0000-7000-8000-000000000002', gen_random_uuid(), 'payout.paid', 1, 5, now() - i * interval '1 hour'
			FROM generate_series(0, 960) i;
		INSERT INTO idempotency_keys (principal, key, operation, request_hash, result_id, created_at)
			SELECT 'p', 'k' || i, 'payOrder', 'h', 'r' || i, now() - i * interval '1 hour' FROM generate_series(0, 288) i`); err != nil {
		t.Fatal(err)
	}
	digests := map[string]string{
		"events":             `SELECT count(*) || md5(string_agg(concat_ws(',', id, seq, type, occurred_at, partner_id, object_type, object_id), ';' ORDER BY seq)) FROM events`,
		"webhook_deliveries": `SELECT count(*) || md5(string_agg(concat_ws(',', id, endpoint_id, event_id, attempt, created_at), ';' ORDER BY id)) FROM webhook_deliveries`,
		"idempotency_keys":   `SELECT count(*) || md5(string_agg(concat_ws(',', principal, key, operation, request_hash, result_id, created_at), ';' ORDER BY key)) FROM idempotency_keys`,
	}
	digest := func(sql string) string {
		t.Helper()
		var d string
		if err := pool.QueryRow(ctx, sql).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	before := map[string]string{}
	for table, sql := range digests {
		before[table] = digest(sql)
	}
	applied, err := db.MigrateUpTo(ctx, pool, 69)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 3 {
		t.Fatalf("applied %v, want the three partitioning migrations", applied)
	}
	for table, sql := range digests {
		if after := digest(sql); after != before[table] {
			t.Errorf("%s: rows %s before the migration, %s after", table, before[table], after)
		}
		var kind string
		if err := pool.QueryRow(ctx, `SELECT relkind::text FROM pg_class WHERE oid = $1::regclass`, table).Scan(&kind); err != nil || kind != "p" {
			t.Errorf("%s: relkind %q (%v), want a partitioned table", table, kind, err)
		}
	}
	// Only the events older than the oldest retained week and the one far ahead are in the
	// catch-all partition; the retained weeks' rows are in theirs.
	var now time.Time
	if err := pool.QueryRow(ctx, `SELECT now()`).Scan(&now); err != nil {
		t.Fatal(err)
	}
	var misplaced, outside int
	if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE occurred_at >= $1 AND occurred_at < now() + interval '7 days'),
			count(*) FILTER (WHERE occurred_at < $1 OR occurred_at >= now() + interval '14 days')
		FROM events_default`, domain.PartitionStart(now.Add(-domain.EventRetention))).Scan(&misplaced, &outside); err != nil {
		t.Fatal(err)
	}
	if misplaced != 0 || outside == 0 {
		t.Errorf("events in the catch-all partition: %d of retained weeks (want 0), %d outside them (want some)", misplaced, outside)
	}
	var next, max int64
	if err := pool.QueryRow(ctx, `SELECT max(seq) FROM events`).Scan(&max); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO events (id, type, occurred_at, object_type, object_id)
		VALUES (gen_random_uuid(), 'payout.paid', now(), 'Payout', gen_random_uuid()) RETURNING seq`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if next <= max {
		t.Errorf("the next event's seq is %d, not above the migrated %d", next, max)
	}
	var rec domain.IdempotencyRecord
	var claimed bool
	err = db.NewStore(pool, nil).InTx(ctx, func(ctx context.Context, tx domain.Tx) error {
		rec, claimed, err = tx.ClaimIdempotencyKey(ctx, "p", "k100", "payOrder", "h")
		return err
	})
	if err != nil || claimed || rec.ResultID != "r100" {
		t.Errorf("a migrated key: claimed %v, result %q, %v; want the replay of r100", claimed, rec.ResultID, err)
	}
}
