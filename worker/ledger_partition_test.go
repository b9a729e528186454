package worker_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/worker"
)

// TestMaintenanceCreatesLedgerMonths: the daily maintenance job creates the ledger partitions
// of the current month and the three after it.
func TestMaintenanceCreatesLedgerMonths(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Clock: NewClock(time.Date(2032, 11, 15, 0, 0, 0, 0, time.UTC))})
	e.StartWorkers(nil)
	rc, err := worker.NewInsertClient(e.Pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rc.Insert(context.Background(), domain.PruneEventsJob{}, nil); err != nil {
		t.Fatal(err)
	}
	wait.For(t, 60*time.Second, func() error {
		n := e.Count(`SELECT count(*) FROM pg_class WHERE relname IN ('ledger_entries_2032_11', 'ledger_transactions_2032_11',
			'ledger_entries_2033_02', 'ledger_transactions_2033_02')`)
		if n != 4 {
			return fmt.Errorf("%d of the 4 partitions of November 2032 and February 2033", n)
		}
		return nil
	})
}
