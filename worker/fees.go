package worker

import (
	"context"
	"log/slog"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type closeMonthWorker struct {
	river.WorkerDefaults[domain.CloseMonthJob]
	svc *domain.Service
	log *slog.Logger
}

func (w *closeMonthWorker) Work(ctx context.Context, job *river.Job[domain.CloseMonthJob]) error {
	m, err := domain.ParseMonth(job.Args.Month, nil)
	if err != nil {
		return river.JobCancel(err)
	}
	closed, n, err := w.svc.CloseMonth(ctx, m)
	if domain.CodeOf(err) == domain.CodeInvalidInput {
		return river.JobCancel(err) // a month no schedule covers never closes: retrying cannot help
	}
	if err != nil {
		return err
	}
	w.log.InfoContext(ctx, "fee month", "month", m.String(), "closed_now", closed, "statements", n)
	return nil
}

// closeDueMonth is the periodic schedule's job: the month before the current one (by the
// service's clock, so the sandbox clock drives it too). Unique by month, it closes each month
// once however often it is inserted; running at start catches up a worker that was down on the 1st.
func closeDueMonth(svc *domain.Service) func() (river.JobArgs, *river.InsertOpts) {
	return func() (river.JobArgs, *river.InsertOpts) {
		return domain.CloseMonthJob{Month: svc.DueMonth().String()}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
	}
}
