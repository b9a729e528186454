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

// summaryDaysPerRun bounds one run, well within the job timeout (two months of a large
// database take seconds); a run that reaches it goes on after a second, until no day is left.
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
	if err == nil && n == summaryDaysPerRun {
		return river.JobSnooze(time.Second) // more to catch up: the same job goes on a second later
	}
	return err
}
