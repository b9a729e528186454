package worker_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/worker"
)

// TestMaintenanceCreatesLedgerMonths: the daily maintenance job creates the ledger partitions
// of the current month and the three after it, by the wall clock (the ledger's ids carry its
// time) whatever the service's clock says.
func TestMaintenanceCreatesLedgerMonths(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Clock: NewClock(time.Date(2032, 11, 15, 0, 0, 0, 0, time.UTC))})
	now := time.Now().UTC()
	last := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, domain.LedgerMonthsAhead, 0).Format("2006_01")
	// The migration made the last month ahead; it goes, for the job to make it again.
	if _, err := e.Pool.Exec(context.Background(), `ALTER TABLE ledger_entries DETACH PARTITION ledger_entries_`+last+`; DROP TABLE ledger_entries_`+last+`;
		ALTER TABLE ledger_transactions DETACH PARTITION ledger_transactions_`+last+`; DROP TABLE ledger_transactions_`+last); err != nil {
		t.Fatal(err)
	}
	e.StartWorkers(nil)
	rc, err := worker.NewInsertClient(e.Pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Insert(context.Background(), domain.PruneEventsJob{}, nil); err != nil {
		t.Fatal(err)
	}
	waitFor(t, e, `SELECT count(*) FROM pg_class WHERE relname IN ('ledger_entries_`+last+`', 'ledger_transactions_`+last+`')`, 2)
	if n := e.Count(`SELECT count(*) FROM pg_class WHERE relname LIKE 'ledger_%_2032_%'`); n != 0 {
		t.Fatalf("%d partitions of the service clock's months", n)
	}
}
