package db

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/domain"
)

// partitioned is the table of each retained data and the column it is partitioned on (by
// range, a week per partition, migrations 0060–0062). Each has a DEFAULT partition,
// <table>_default, for rows of a time no partition covers.
var partitioned = map[domain.Retained]struct{ table, key string }{
	domain.RetainedEvents:            {"events", "occurred_at"},
	domain.RetainedWebhookDeliveries: {"webhook_deliveries", "created_at"},
	domain.RetainedIdempotencyKeys:   {"idempotency_keys", "created_at"},
}

func partitionedTable(data domain.Retained) (table, key string, err error) {
	p, ok := partitioned[data]
	if !ok {
		return "", "", fmt.Errorf("db: %q is not partitioned", data)
	}
	return p.table, p.key, nil
}

// lockTimeout bounds the wait for the exclusive lock a partition's drop (on the parent) or
// making (on the catch-all partition) takes: while it waits, the statements on the table queue
// behind it. A run that times out changes nothing and fails; River runs it again later.
const lockTimeout = "1s"

func (t *txStore) Partitions(ctx context.Context, data domain.Retained) ([]domain.Partition, error) {
	table, _, err := partitionedTable(data)
	if err != nil {
		return nil, err
	}
	// A range partition's bound reads FROM ('…') TO ('…'); the catch-all's reads DEFAULT.
	rows, err := t.tx.Query(ctx, `SELECT c.relname,
			substring(pg_get_expr(c.relpartbound, c.oid) FROM $$FROM \('([^']+)'\)$$)::timestamptz AS lower,
			substring(pg_get_expr(c.relpartbound, c.oid) FROM $$TO \('([^']+)'\)$$)::timestamptz AS upper
		FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = $1::regclass AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
		ORDER BY lower`, table)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (domain.Partition, error) {
		var p domain.Partition
		err := r.Scan(&p.Name, &p.From, &p.To)
		return p, err
	})
}

func (t *txStore) EnsurePartition(ctx context.Context, data domain.Retained, p domain.Partition) (string, bool, error) {
	table, key, err := partitionedTable(data)
	if err != nil {
		return "", false, err
	}
	// Making a partition locks the catch-all partition, which every read of the table not
	// narrowed by time passes through: wait for it only briefly, as DropPartition does.
	t.tx.deferExec(`SET LOCAL lock_timeout = '` + lockTimeout + `'`)
	var name *string
	err = t.tx.QueryRow(ctx, `SELECT kjb_ensure_partition($1::regclass, $2, $3, $4)`, table, key, p.From, p.To).Scan(&name)
	if err != nil || name == nil {
		return "", false, translate(err)
	}
	// A new partition takes its table's autovacuum and fillfactor settings (migration 0090).
	if _, err := t.tx.Exec(ctx, `SELECT apply_table_storage_settings()`); err != nil {
		return "", false, translate(err)
	}
	return *name, true, nil
}

func (t *txStore) DropPartition(ctx context.Context, data domain.Retained, name string) error {
	table, _, err := partitionedTable(data)
	if err != nil {
		return err
	}
	var ok bool
	err = t.tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = $1::regclass AND c.relname = $2 AND pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT')`, table, name).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("db: %s is not a partition of %s", name, table)
	}
	// Dropping a partition locks the parent (and the catch-all) in ACCESS EXCLUSIVE mode for
	// the moment the drop takes. DETACH … CONCURRENTLY would not, but PostgreSQL refuses it on a
	// table with a DEFAULT partition.
	t.tx.deferExec(`SET LOCAL lock_timeout = '` + lockTimeout + `'`)
	_, err = t.tx.Exec(ctx, `DROP TABLE `+pgx.Identifier{name}.Sanitize())
	if err != nil {
		return fmt.Errorf("db: dropping partition %s: %w", name, err)
	}
	return nil
}

func (t *txStore) PruneCatchAll(ctx context.Context, data domain.Retained, before time.Time, limit int) (int, error) {
	table, key, err := partitionedTable(data)
	if err != nil {
		return 0, err
	}
	dflt := pgx.Identifier{table + "_default"}.Sanitize()
	tag, err := t.tx.Exec(ctx, `DELETE FROM `+dflt+` WHERE ctid = ANY (ARRAY(
		SELECT ctid FROM `+dflt+` WHERE `+pgx.Identifier{key}.Sanitize()+` < $1 LIMIT $2))`, before, limit)
	return int(tag.RowsAffected()), translate(err)
}
