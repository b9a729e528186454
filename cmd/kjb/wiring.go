package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/dnsresolver"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/fxfeed"
	"github.com/kjb/kjb/sandboxliquidity"
	"github.com/kjb/kjb/sandboxrail"
	"github.com/kjb/kjb/telemetry"
	"github.com/kjb/kjb/worker"
	"github.com/riverqueue/river"
)

// parts are the pieces every process shares.
type parts struct {
	cfg     config
	log     *slog.Logger
	pool    *pgxpool.Pool
	svc     *domain.Service
	river   *river.Client[pgx.Tx]
	metrics *telemetry.Metrics
	replica *pgxpool.Pool
	// stopTracing flushes spans on exit.
	stopTracing func(context.Context) error
}

// connect loads config, opens the pool and wires the service. withWorkers builds a River
// client that works jobs (worker and dev); otherwise one that only inserts them (api).
func connect(ctx context.Context, dev, withWorkers bool, app string) (*parts, error) {
	cfg, err := loadConfig(os.Getenv, dev)
	if err == nil && withWorkers {
		err = workerAdapters(os.Getenv, &cfg)
	}
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg.LogLevel)
	if dev {
		if err := db.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
			return nil, err
		}
	}
	pool, err := db.Open(ctx, db.PoolConfig{URL: cfg.DatabaseURL, MaxConns: int32(cfg.DBMaxConns), AppName: app,
		Trace: cfg.Tracing.Enabled()})
	if err != nil {
		return nil, err
	}
	p := &parts{cfg: cfg, log: log, pool: pool, metrics: telemetry.New()}
	cfg.Tracing.Service = app
	if p.stopTracing, err = telemetry.SetupTracing(ctx, cfg.Tracing); err != nil {
		pool.Close()
		return nil, fmt.Errorf("OTEL_EXPORTER_OTLP_ENDPOINT: %w", err)
	}
	p.metrics.WatchDatabase(pool, worker.JobCounter{Pool: pool})
	// The store's enqueuer needs the River client, and a working River client needs the
	// service; the closure breaks the cycle.
	var enqueue func(context.Context, pgx.Tx, ...domain.Job) error
	store := db.NewStore(pool, func(ctx context.Context, tx pgx.Tx, jobs ...domain.Job) error { return enqueue(ctx, tx, jobs...) })
	if err := sealSecrets(store, cfg); err != nil {
		pool.Close()
		return nil, err
	}
	if cfg.DatabaseReadURL != "" {
		replica, err := db.Open(ctx, db.PoolConfig{URL: cfg.DatabaseReadURL, MaxConns: int32(cfg.DBMaxConns), AppName: app + "-read"})
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("DATABASE_READ_URL: %w", err)
		}
		store.ReadFrom(replica)
		p.replica = replica
	}
	var clock domain.Clock = domain.SystemClock{}
	if cfg.Sandbox {
		clock = db.NewSandboxClock(pool, time.Second)
	}
	p.svc = domain.NewService(store, clock, domain.Config{Sandbox: cfg.Sandbox, QuoteTTL: cfg.QuoteTTL,
		SpreadBps: domain.Spread(cfg.SpreadBps), CrossBorderPaySpreadBps: domain.Spread(cfg.CrossBorderPaySpreadBps), RateMaxAge: cfg.RateMaxAge,
		SettlementInterval: cfg.SettlementInterval, EscrowHold: cfg.EscrowHold, Resolver: dnsresolver.System{}, LinkCodes: linkCodes(cfg, pool)})
	p.svc.Observe(p.metrics)
	if withWorkers {
		wc := worker.Config{MaxWorkers: cfg.MaxWorkers, PayoutWorkers: cfg.PayoutWorkers, AuditInterval: cfg.AuditInterval, Logger: log, Jobs: p.metrics,
			JobTimeout: cfg.JobTimeout, RescueAfter: cfg.RescueAfter,
			SettlementInterval: cfg.SettlementInterval, Provider: sandboxliquidity.Provider{Pool: pool}, FeedInterval: cfg.FeedInterval,
			Rail: sandboxrail.Rail{Pool: pool}, RailReport: sandboxrail.Rail{Pool: pool}, ProviderReport: sandboxliquidity.Provider{Pool: pool}}
		if cfg.FeedURL != "" {
			wc.Feed = fxfeed.Feed{URL: cfg.FeedURL}
		}
		if !cfg.Sandbox {
			wc.WebhookResolver = dnsresolver.System{}
		}
		p.river, err = worker.NewClient(pool, p.svc, wc)
	} else {
		p.river, err = worker.NewInsertClient(pool, log)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	enqueue = worker.Enqueue(p.river)
	p.svc.ManageJobs(worker.JobAdmin{Client: p.river})
	return p, nil
}

func (p *parts) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = p.stopTracing(ctx)
	if p.replica != nil {
		p.replica.Close()
	}
	p.pool.Close()
}

// system is the actor the command line acts as: an operator without a key.
var system = domain.Actor{Role: domain.RoleOperator, KeyID: "system"}
