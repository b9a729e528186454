package db_test

import (
	"context"
	"testing"

	"github.com/kjb/kjb/db"
	. "github.com/kjb/kjb/internal/apitest"
)

// TestEntriesAfterCountsThenBounds counts the entries after an id exactly while they are few,
// and past the count answers the ids handed out since, which skipped ids make larger.
func TestEntriesAfterCountsThenBounds(t *testing.T) {
	t.Parallel()
	e := New(t)
	ctx := context.Background()
	s := e.NewShop("62220000001")
	e.Fund(s.AccountID, "100.00", "CNH")
	// Ids drawn and never used, as by a transaction that rolled back.
	if _, err := e.Pool.Exec(ctx, `SELECT nextval(pg_get_serial_sequence('ledger_entries', 'id')) FROM generate_series(1, 5)`); err != nil {
		t.Fatal(err)
	}
	e.Fund(s.AccountID, "100.00", "USD")
	var first, total, handed int64
	if err := e.Pool.QueryRow(ctx, `SELECT min(id), count(*), pg_sequence_last_value(pg_get_serial_sequence('ledger_entries', 'id')::regclass)
		FROM ledger_entries`).Scan(&first, &total, &handed); err != nil {
		t.Fatal(err)
	}
	after := first // every entry but the first
	for _, c := range []struct {
		counted, want int64
	}{{1000, total - 1}, {total - 1, handed - after}, {1, handed - after}} {
		n, err := db.EntriesAfterCounting(ctx, e.Pool, after, c.counted)
		if err != nil || n != c.want {
			t.Fatalf("counting up to %d: %d entries after %d (%v), want %d", c.counted, n, after, err, c.want)
		}
	}
	if handed-after <= total-1 {
		t.Fatalf("ids handed out after %d: %d, no more than the %d entries", after, handed-after, total-1)
	}
}
