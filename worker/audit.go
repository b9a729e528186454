package worker

import (
	"context"
	"log/slog"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type auditWorker struct {
	river.WorkerDefaults[domain.AuditLedgerJob]
	svc *domain.Service
	log *slog.Logger
}

func (w *auditWorker) Work(ctx context.Context, _ *river.Job[domain.AuditLedgerJob]) error {
	violations, err := w.svc.Audit(ctx)
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
