package worker

import (
	"context"
	"log/slog"

	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
)

type settleFXWorker struct {
	river.WorkerDefaults[domain.SettleFXJob]
	svc      *domain.Service
	provider domain.LiquidityProvider
	log      *slog.Logger
}

func (w *settleFXWorker) Work(ctx context.Context, job *river.Job[domain.SettleFXJob]) error {
	res, err := w.svc.SettleFX(ctx, job.Args.WindowEnd, w.provider)
	if err != nil {
		return err
	}
	if res.Settlements > 0 {
		w.log.InfoContext(ctx, "fx settled", "window_end", job.Args.WindowEnd, "settlements", res.Settlements, "conversions", res.Conversions)
	}
	return nil
}

type refreshRatesWorker struct {
	river.WorkerDefaults[domain.RefreshRatesJob]
	svc  *domain.Service
	feed domain.RateFeed
}

func (w *refreshRatesWorker) Work(ctx context.Context, _ *river.Job[domain.RefreshRatesJob]) error {
	_, err := w.svc.RefreshRates(ctx, w.feed)
	return err
}
