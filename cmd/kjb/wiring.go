package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/fxfeed"
	"github.com/kjb/kjb/worker"
	"github.com/riverqueue/river"
)

// parts are the pieces every process shares.
type parts struct {
	cfg   config
	log   *slog.Logger
	pool  *pgxpool.Pool
	svc   *domain.Service
	river *river.Client[pgx.Tx]
}

// connect loads config, opens the pool and wires the service. withWorkers builds a River
// client that works jobs (worker and dev); otherwise one that only inserts them (api).
func connect(ctx context.Context, dev, withWorkers bool, app string) (*parts, error) {
	cfg, err := loadConfig(os.Getenv, dev)
	if err != nil {
		return nil, err
	}
	log := newLogger(cfg.LogLevel)
	if dev {
		if err := db.EnsureDatabase(ctx, cfg.DatabaseURL); err != nil {
			return nil, err
		}
	}
	pool, err := db.Open(ctx, db.PoolConfig{URL: cfg.DatabaseURL, MaxConns: int32(cfg.DBMaxConns), AppName: app})
	if err != nil {
		return nil, err
	}
	p := &parts{cfg: cfg, log: log, pool: pool}
	// The store's enqueuer needs the River client, and a working River client needs the
	// service; the closure breaks the cycle.
	var enqueue func(context.Context, pgx.Tx, domain.Job) error
	store := db.NewStore(pool, func(ctx context.Context, tx pgx.Tx, job domain.Job) error { return enqueue(ctx, tx, job) })
	var clock domain.Clock = domain.SystemClock{}
	if cfg.Sandbox {
		clock = db.NewSandboxClock(pool, time.Second)
	}
	p.svc = domain.NewService(store, clock, domain.Config{Sandbox: cfg.Sandbox, QuoteTTL: cfg.QuoteTTL,
		SpreadBps: domain.Spread(cfg.SpreadBps), KJBSpreadBps: domain.Spread(cfg.KJBSpreadBps), RateMaxAge: cfg.RateMaxAge,
		SettlementInterval: cfg.SettlementInterval, EscrowHold: cfg.EscrowHold})
	if withWorkers {
		wc := worker.Config{MaxWorkers: cfg.MaxWorkers, AuditInterval: cfg.AuditInterval, Logger: log,
			SettlementInterval: cfg.SettlementInterval, Provider: db.SandboxLiquidityProvider{Pool: pool}, FeedInterval: cfg.FeedInterval,
			Rail: db.SandboxRail{Pool: pool}}
		if cfg.FeedURL != "" {
			wc.Feed = fxfeed.Feed{URL: cfg.FeedURL}
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
	return p, nil
}

func (p *parts) close() { p.pool.Close() }

// system is the actor the command line acts as: an operator without a key.
var system = domain.Actor{Role: domain.RoleOperator, KeyID: "system"}
