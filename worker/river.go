package worker

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/domain"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// Migrate applies River's own migrations. Safe to run any number of times.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	m, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return err
	}
	_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	return err
}

// Config tunes the worker process.
type Config struct {
	// MaxWorkers bounds the jobs worked at once in the default queue; PayoutWorkers in the
	// payouts queue (escrow releases and payout submissions), whose jobs mostly wait on a
	// shared batch (default 100).
	MaxWorkers    int
	PayoutWorkers int
	AuditInterval time.Duration
	Logger        *slog.Logger
	// SettlementInterval is the FX settlement window; Provider trades the nets.
	SettlementInterval time.Duration
	Provider           domain.LiquidityProvider
	// FeeCheckInterval is how often the worker checks for a fee month to close (default 1h).
	FeeCheckInterval time.Duration
	// WebhookSender posts deliveries (default HTTPSender); WebhookBackoff is the first retry
	// delay, doubling to 6h (default 10s).
	WebhookSender  domain.WebhookSender
	WebhookBackoff time.Duration
	// WebhookResolver, when set (outside sandbox mode), makes the default sender resolve
	// webhook hosts with it and connect only to public addresses.
	WebhookResolver domain.Resolver
	// JobTimeout bounds one job's run (default 30s); RescueAfter is when a job whose worker
	// died is handed to another (default 1m).
	JobTimeout, RescueAfter time.Duration
	// Jobs hears about every worked job (metrics); may be nil.
	Jobs JobObserver
	// Rail pays suppliers.
	Rail domain.PayoutRail
	// SealInterval is how often the ledger's new entries are sealed (default 30s).
	SealInterval time.Duration
	// RailReport and ProviderReport are the counterparties' records the daily reconciliation
	// compares with (the job is not run when either is nil).
	RailReport     domain.RailReport
	ProviderReport domain.ProviderReport
	// Feed, when set, is read every FeedInterval into the rate table.
	Feed         domain.RateFeed
	FeedInterval time.Duration
}

// NewInsertClient returns a client that only inserts jobs (the API process).
func NewInsertClient(pool *pgxpool.Pool, logger *slog.Logger) (*river.Client[pgx.Tx], error) {
	return river.NewClient(riverpgxv5.New(pool), &river.Config{Logger: logger})
}

// NewClient returns a client that works every KJB job kind and runs the periodic schedules.
func NewClient(pool *pgxpool.Pool, svc *domain.Service, cfg Config) (*river.Client[pgx.Tx], error) {
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 20
	}
	if cfg.PayoutWorkers <= 0 {
		cfg.PayoutWorkers = 100
	}
	if cfg.AuditInterval <= 0 {
		cfg.AuditInterval = time.Hour
	}
	if cfg.SettlementInterval <= 0 {
		cfg.SettlementInterval = time.Minute
	}
	if cfg.JobTimeout <= 0 {
		cfg.JobTimeout = 30 * time.Second
	}
	if cfg.RescueAfter <= cfg.JobTimeout {
		cfg.RescueAfter = cfg.JobTimeout + 30*time.Second
	}
	if cfg.FeeCheckInterval <= 0 {
		cfg.FeeCheckInterval = time.Hour
	}
	if cfg.FeedInterval <= 0 {
		cfg.FeedInterval = time.Minute
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &auditWorker{svc: svc, log: cfg.Logger})
	river.AddWorker(workers, &settleFXWorker{svc: svc, provider: cfg.Provider, log: cfg.Logger})
	river.AddWorker(workers, newReleaseEscrowWorker(svc, cfg.Rail, cfg.Jobs))
	river.AddWorker(workers, &payoutWorker{svc: svc, rail: cfg.Rail})
	river.AddWorker(workers, &closeMonthWorker{svc: svc, log: cfg.Logger})
	sender := cfg.WebhookSender
	if sender == nil {
		sender = HTTPSender{Resolver: cfg.WebhookResolver}
	}
	river.AddWorker(workers, &webhookDeliverWorker{svc: svc, sender: sender, base: cfg.WebhookBackoff})
	river.AddWorker(workers, &pruneEventsWorker{svc: svc})
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cfg.AuditInterval),
			oneAtATime(domain.AuditLedgerJob{}),
			&river.PeriodicJobOpts{RunOnStart: true, ID: "ledger.audit"}),
		// Settles every closed window, catching up whatever per-conversion jobs missed.
		river.NewPeriodicJob(river.PeriodicInterval(cfg.SettlementInterval),
			func() (river.JobArgs, *river.InsertOpts) {
				return domain.SettleFXJob{WindowEnd: svc.Now().Truncate(cfg.SettlementInterval)}, nil
			},
			&river.PeriodicJobOpts{RunOnStart: true, ID: "fx.settle"}),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.FeeCheckInterval), closeDueMonth(svc),
			&river.PeriodicJobOpts{RunOnStart: true, ID: "fees.close_month"}),
		// Also on start: it makes the partitions ahead, and a worker restarted more often than
		// daily must still make them.
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			oneAtATime(domain.PruneEventsJob{}),
			&river.PeriodicJobOpts{RunOnStart: true, ID: "events.prune"}),
	}
	if cfg.SealInterval <= 0 {
		cfg.SealInterval = 30 * time.Second
	}
	river.AddWorker(workers, &sealWorker{svc: svc, log: cfg.Logger})
	periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.SealInterval),
		func() (river.JobArgs, *river.InsertOpts) {
			return domain.SealLedgerJob{}, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: cfg.SealInterval}}
		},
		&river.PeriodicJobOpts{RunOnStart: true, ID: "ledger.seal"}))
	river.AddWorker(workers, &rollUpSummariesWorker{svc: svc, log: cfg.Logger})
	periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(summaryRollupInterval),
		oneAtATime(domain.RollUpSummariesJob{}),
		&river.PeriodicJobOpts{RunOnStart: true, ID: "summaries.rollup"}))
	if cfg.RailReport != nil && cfg.ProviderReport != nil {
		river.AddWorker(workers, &reconcileDayWorker{svc: svc, rail: cfg.RailReport, provider: cfg.ProviderReport, log: cfg.Logger})
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(time.Hour), reconcileYesterday(svc),
			&river.PeriodicJobOpts{RunOnStart: true, ID: "reconciliation.daily"}))
	}
	if cfg.Feed != nil {
		river.AddWorker(workers, &refreshRatesWorker{svc: svc, feed: cfg.Feed})
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.FeedInterval),
			func() (river.JobArgs, *river.InsertOpts) { return domain.RefreshRatesJob{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true, ID: "fx.refresh_rates"}))
	}
	return river.NewClient(riverpgxv5.New(pool), &river.Config{
		Logger: cfg.Logger,
		Queues: map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: cfg.MaxWorkers},
			QueuePayouts:       {MaxWorkers: cfg.PayoutWorkers},
		},
		Workers: workers,
		// A job whose worker died is handed to another worker within a minute, not an hour.
		JobTimeout: cfg.JobTimeout,
		// Fetch again soon after jobs are inserted: the default 100ms cooldown caps a worker
		// at MaxWorkers jobs per 100ms, which webhook and payout fan-out outgrow.
		FetchCooldown:        10 * time.Millisecond,
		MaxAttempts:          domain.MaxWebhookAttempts,
		RescueStuckJobsAfter: cfg.RescueAfter,
		PeriodicJobs:         periodic,
		// Finished jobs are kept a week (River deletes them on its index of state and
		// finalized_at), as long as idempotency keys.
		CompletedJobRetentionPeriod: FinishedJobRetention,
		CancelledJobRetentionPeriod: FinishedJobRetention,
		DiscardedJobRetentionPeriod: FinishedJobRetention,
		Middleware:                  []rivertype.Middleware{observeJobs(cfg.Logger, cfg.Jobs)},
	})
}

// FinishedJobRetention is how long River keeps completed, cancelled and discarded jobs.
const FinishedJobRetention = 7 * 24 * time.Hour

// unfinishedStates are the job states a periodic job is unique among: one waits or runs at a time.
var unfinishedStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled}

// QueuePayouts is the queue of the jobs that move money to suppliers: a backlog of webhook
// deliveries never delays them, and they are worked in batches (see releaseEscrowWorker).
const QueuePayouts = "payouts"

// queueOf names the queue of a job kind; kinds not listed go to River's default queue.
var queueOf = map[string]string{
	domain.ReleaseEscrowJob{}.Kind(): QueuePayouts,
	domain.PayoutJob{}.Kind():        QueuePayouts,
}

// Enqueue returns the function db uses to insert domain jobs in a transaction, all in one
// statement (River's InsertManyTx).
func Enqueue(client *river.Client[pgx.Tx]) func(context.Context, pgx.Tx, ...domain.Job) error {
	return func(ctx context.Context, tx pgx.Tx, jobs ...domain.Job) error {
		params := make([]river.InsertManyParams, len(jobs))
		for i, job := range jobs {
			args, ok := job.(river.JobArgs)
			if !ok {
				return fmt.Errorf("worker: job %T is not a River job", job)
			}
			opts := &river.InsertOpts{Queue: queueOf[args.Kind()]}
			if o, ok := job.(domain.JobOptions); ok {
				at, unique := o.Schedule()
				opts.ScheduledAt = at
				if unique {
					opts.UniqueOpts = river.UniqueOpts{ByArgs: true}
				}
			}
			params[i] = river.InsertManyParams{Args: args, InsertOpts: opts}
		}
		_, err := client.InsertManyTx(ctx, tx, params)
		return err
	}
}

// oneAtATime makes a periodic job of args unique among the jobs not yet finished only: one
// runs at a time, and a completed run never stops the next one.
func oneAtATime(args river.JobArgs) func() (river.JobArgs, *river.InsertOpts) {
	return func() (river.JobArgs, *river.InsertOpts) {
		return args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: unfinishedStates}}
	}
}
