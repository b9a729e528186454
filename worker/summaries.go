package worker

import (
	"context"
	"log/slog"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

// summaryRollupInterval is how often the worker rolls up the days that are over.
const summaryRollupInterval = 10 * time.Minute

// summaryDaysPerRun bounds one run (a run rolls up two months of a large database in seconds;
// catching up years takes a few runs).
const summaryDaysPerRun = 62

// rollUpSummariesWorker rolls up partnerSummary's figures of the UTC days that are over.
type rollUpSummariesWorker struct {
	river.WorkerDefaults[domain.RollUpSummariesJob]
	svc *domain.Service
	log *slog.Logger
}

func (w *rollUpSummariesWorker) Work(ctx context.Context, _ *river.Job[domain.RollUpSummariesJob]) error {
	n, err := w.svc.RollUpSummaries(ctx, 10*time.Second, summaryDaysPerRun)
	if n > 0 {
		w.log.InfoContext(ctx, "partner summaries rolled up", "days", n)
	}
	return err
}
