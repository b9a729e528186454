package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

// reconcileDayWorker runs the daily three-way reconciliation of one day.
type reconcileDayWorker struct {
	river.WorkerDefaults[domain.ReconcileDayJob]
	svc      *domain.Service
	rail     domain.RailReport
	provider domain.ProviderReport
	log      *slog.Logger
}

func (w *reconcileDayWorker) Work(ctx context.Context, job *river.Job[domain.ReconcileDayJob]) error {
	found, err := w.svc.ReconcileDay(ctx, job.Args.Day, w.rail, w.provider)
	if err != nil {
		return err
	}
	for _, b := range found {
		w.log.WarnContext(ctx, "reconciliation break", "day", b.Day, "counterparty", b.Counterparty, "object", b.ObjectID, "problem", b.Problem)
	}
	w.log.InfoContext(ctx, "reconciliation done", "day", job.Args.Day, "new_breaks", len(found))
	return nil
}

// reconcileYesterday is the periodic job of the reconciliation: the Asia/Shanghai day before
// the service clock's (unique by day, so hourly checks run each day once).
func reconcileYesterday(svc *domain.Service) func() (river.JobArgs, *river.InsertOpts) {
	return func() (river.JobArgs, *river.InsertOpts) {
		return domain.ReconcileDayJob{Day: svc.DueReconciliationDay()}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: 48 * time.Hour}}
	}
}
