package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestStorageSettingsApplied: every table named by table_storage_settings() exists, every one
// of its leaf tables carries the options after migrating, a table that lost them gets them
// back from apply_table_storage_settings(), a second call changes nothing, and the partitions
// the retention job makes ahead carry them too.
func TestStorageSettingsApplied(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Now())
	e := New(t, Options{Clock: clock})
	missing := e.Count(`SELECT count(*) FROM table_storage_settings() WHERE to_regclass(table_name) IS NULL`)
	if missing != 0 {
		t.Fatalf("%d tables named by the settings do not exist", missing)
	}
	unset := `SELECT count(*) FROM table_storage_settings() s
		CROSS JOIN LATERAL (SELECT oid FROM pg_class WHERE oid = s.table_name::regclass AND relkind = 'r'
			UNION SELECT relid FROM pg_partition_tree(s.table_name::regclass) WHERE isleaf) l
		JOIN pg_class c ON c.oid = l.oid
		WHERE NOT coalesce(c.reloptions, '{}') @> s.options`
	if n := e.Count(unset); n != 0 {
		t.Fatalf("%d tables without their settings after migrating", n)
	}
	if _, err := e.Pool.Exec(context.Background(), `ALTER TABLE payments RESET (fillfactor)`); err != nil {
		t.Fatal(err)
	}
	if n := e.Count(unset); n != 1 {
		t.Fatalf("%d tables without their settings after a reset", n)
	}
	if n := e.Count(`SELECT apply_table_storage_settings()`); n != 1 {
		t.Fatalf("applied to %d tables, want the one reset", n)
	}
	if n := e.Count(`SELECT apply_table_storage_settings()`); n != 0 || e.Count(unset) != 0 {
		t.Fatalf("a second call altered %d tables", n)
	}
	clock.Advance(3 * domain.PartitionSpan)
	if p, err := e.Svc.PruneEvents(context.Background()); err != nil {
		t.Fatal(err)
	} else if len(p.Created) == 0 {
		t.Fatalf("no partition made ahead: %+v", p)
	}
	if n := e.Count(unset); n != 0 {
		t.Fatalf("%d new partitions without their settings", n)
	}
}
