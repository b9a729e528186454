package worker

import (
	"context"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type releaseEscrowWorker struct {
	river.WorkerDefaults[domain.ReleaseEscrowJob]
	svc *domain.Service
}

func (w *releaseEscrowWorker) Work(ctx context.Context, job *river.Job[domain.ReleaseEscrowJob]) error {
	return w.svc.ReleaseEscrow(ctx, job.Args.PaymentID)
}

type payoutWorker struct {
	river.WorkerDefaults[domain.PayoutJob]
	svc  *domain.Service
	rail domain.PayoutRail
}

func (w *payoutWorker) Work(ctx context.Context, job *river.Job[domain.PayoutJob]) error {
	return w.svc.SubmitPayout(ctx, job.Args.PayoutID, w.rail)
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
