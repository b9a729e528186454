package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type auditWorker struct {
	river.WorkerDefaults[domain.AuditLedgerJob]
	svc *domain.Service
	log *slog.Logger
}

// Timeout lets the audit outlive the job timeout: its first run (no checkpoint yet) reads the
// whole ledger; later runs read what changed in the hour.
func (w *auditWorker) Timeout(*river.Job[domain.AuditLedgerJob]) time.Duration { return 6 * time.Hour }

// Work runs the incremental audit.
func (w *auditWorker) Work(ctx context.Context, _ *river.Job[domain.AuditLedgerJob]) error {
	violations, err := w.svc.AuditIncremental(ctx)
	if err != nil {
		return err
	}
	for _, v := range violations {
		w.log.ErrorContext(ctx, "ledger invariant violated", "check", v.Check, "detail", v.Detail)
	}
	if len(violations) == 0 {
		w.log.InfoContext(ctx, "ledger audit clean")
	}
	return nil
}
