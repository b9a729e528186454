package worker

import (
	"context"
	"log/slog"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

// AuditLedgerArgs runs the ledger audit; violations are logged at error level for alerting.
type AuditLedgerArgs struct{}

// Kind is stable forever.
func (AuditLedgerArgs) Kind() string { return "ledger.audit" }

// InsertOpts keeps one audit queued at a time.
func (AuditLedgerArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type auditWorker struct {
	river.WorkerDefaults[AuditLedgerArgs]
	svc *domain.Service
	log *slog.Logger
}

func (w *auditWorker) Work(ctx context.Context, _ *river.Job[AuditLedgerArgs]) error {
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
