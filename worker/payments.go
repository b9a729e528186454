package worker

import (
	"context"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type releaseEscrowWorker struct {
	river.WorkerDefaults[domain.ReleaseEscrowJob]
	batch *batcher[domain.ReleaseEscrowJob, domain.ReleaseOutcome]
}

// Release jobs that run at the same time are released and paid out together (see batcher):
// a few batches at once, so the database's cores stay busy, of at most releaseBatchMax jobs.
const (
	releaseBatchSlots = 4
	releaseBatchMax   = 64
)

func newReleaseEscrowWorker(svc *domain.Service, rail domain.PayoutRail, obs JobObserver) *releaseEscrowWorker {
	return &releaseEscrowWorker{batch: newBatcher(releaseBatchSlots, releaseBatchMax,
		func(ctx context.Context, jobs []domain.ReleaseEscrowJob) []domain.ReleaseOutcome {
			if obs != nil {
				obs.JobBatch(domain.ReleaseEscrowJob{}.Kind(), len(jobs))
			}
			return svc.ReleaseEscrowsWhenDue(ctx, jobs, rail)
		},
		func(err error) domain.ReleaseOutcome { return domain.ReleaseOutcome{Err: err} })}
}

// Work releases the escrow, or snoozes while the hold has not ended by the service's clock
// (at most a minute at a time, so a moved sandbox clock is noticed soon).
func (w *releaseEscrowWorker) Work(ctx context.Context, job *river.Job[domain.ReleaseEscrowJob]) error {
	o := w.batch.do(ctx, job.Args)
	if o.Err != nil {
		return o.Err
	}
	if o.Left > 0 {
		return river.JobSnooze(min(o.Left, time.Minute))
	}
	return nil
}

type payoutWorker struct {
	river.WorkerDefaults[domain.PayoutJob]
	svc  *domain.Service
	rail domain.PayoutRail
}

func (w *payoutWorker) Work(ctx context.Context, job *river.Job[domain.PayoutJob]) error {
	return w.svc.SubmitPayout(ctx, job.Args.PayoutID, w.rail)
}

// NextRetry backs a transient rail error off like the payout job.
func (w *releaseEscrowWorker) NextRetry(job *river.Job[domain.ReleaseEscrowJob]) time.Time {
	return time.Now().Add(backoff(job.Attempt, time.Second, 10*time.Minute))
}

// NextRetry backs a transient rail error off exponentially from one second, capped at ten
// minutes; River gives up after its max attempts (25), about three days.
func (w *payoutWorker) NextRetry(job *river.Job[domain.PayoutJob]) time.Time {
	return time.Now().Add(backoff(job.Attempt, time.Second, 10*time.Minute))
}

func backoff(attempt int, base, limit time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < limit; i++ {
		d *= 2
	}
	return min(d, limit)
}
