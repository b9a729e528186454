package db

import (
	"context"
	"time"
)

// ledgerMonthLockTimeout bounds how long creating a month's partitions waits for its locks:
// the statement takes an exclusive lock on the ledger's tables for a moment, and waiting
// behind a long transaction would queue payments behind it. Months are created ahead, so a
// run that gives up is retried the next day with inserts unaffected.
const ledgerMonthLockTimeout = "2s"

// CreateLedgerMonth creates ledger_transactions_YYYY_MM and ledger_entries_YYYY_MM for the
// month starting at month (UTC) unless they exist (ledger_create_month, migration 0070).
func (t *txStore) CreateLedgerMonth(ctx context.Context, month time.Time) (bool, error) {
	t.tx.deferExec(`SET LOCAL lock_timeout = '` + ledgerMonthLockTimeout + `'`)
	var created bool
	err := t.tx.QueryRow(ctx, `SELECT ledger_create_month($1::date)`, month.UTC().Format(time.DateOnly)).Scan(&created)
	if err != nil || !created {
		return created, translate(err)
	}
	// The new month's tables take the ledger's autovacuum settings (migration 0090).
	_, err = t.tx.Exec(ctx, `SELECT apply_table_storage_settings()`)
	return created, translate(err)
}
