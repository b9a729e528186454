package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/graph"
)

const shutdownGrace = 30 * time.Second

func cmdAPI(ctx context.Context) error {
	p, err := connect(ctx, false, false, "kjb-api")
	if err != nil {
		return err
	}
	defer p.close()
	if err := markProduction(ctx, p); err != nil {
		return err
	}
	return serveHTTP(ctx, p, nil)
}

func cmdWorker(ctx context.Context) error {
	p, err := connect(ctx, false, true, "kjb-worker")
	if err != nil {
		return err
	}
	defer p.close()
	if err := markProduction(ctx, p); err != nil {
		return err
	}
	var started atomic.Bool
	stopOps, err := serveOps(p, &started)
	if err != nil {
		return err
	}
	defer stopOps()
	// A worker started during a database outage waits for it instead of exiting.
	if !retry(ctx, p, "worker waiting for the database", func() error { return p.river.Start(ctx) }) {
		return nil
	}
	started.Store(true)
	p.log.Info("worker started")
	<-ctx.Done()
	return stopWorkers(p)
}

// retry calls fn until it succeeds, with capped exponential backoff (250 ms to 10 s), logging
// each failure as what. It reports false when ctx ends first.
func retry(ctx context.Context, p *parts, what string, fn func() error) bool {
	backoff := 250 * time.Millisecond
	for {
		err := fn()
		if err == nil {
			return true
		}
		p.log.Warn(what, "error", err.Error(), "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// serveOps serves opsHandler on KJB_METRICS_LISTEN, an address of its own so that metrics
// never share the public API port.
func serveOps(p *parts, started *atomic.Bool) (stop func(), err error) {
	ln, err := net.Listen("tcp", p.cfg.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("KJB_METRICS_LISTEN=%s: %w", p.cfg.MetricsListen, err)
	}
	p.log.Info("metrics listening", "addr", ln.Addr().String())
	ops := &http.Server{Handler: opsHandler(p, started), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := ops.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.log.Error("metrics listener", "addr", p.cfg.MetricsListen, "error", err.Error())
		}
	}()
	return func() { _ = ops.Close() }, nil
}

// markProduction, outside sandbox mode, checks that the process has the keys it needs there,
// then records that production uses this database (in the background, retried while the
// database does not answer, so a process started during an outage still starts).
func markProduction(ctx context.Context, p *parts) error {
	if p.cfg.Sandbox {
		return nil
	}
	if err := requireSecretKeys(p.cfg); err != nil {
		return err
	}
	go retry(ctx, p, "recording the deployment mode", func() error { return db.MarkProduction(ctx, p.pool) })
	return nil
}

// opsHandler is a process's operations surface: /metrics, /healthz, /readyz (and pprof).
// /readyz answers 503 whenever the database does not answer and, when started is given,
// until it is set.
func opsHandler(p *parts, started *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.metrics.Handler())
	if p.cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := p.pool.Ping(r.Context()); err != nil || (started != nil && !started.Load()) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	return mux
}

// stopWorkers lets running jobs finish for the grace period, then cancels the rest; River
// hands cancelled jobs back to be retried.
func stopWorkers(p *parts) error {
	p.log.Info("worker stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := p.river.Stop(stopCtx); err != nil {
		hard, cancelHard := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancelHard()
		return p.river.StopAndCancel(hard)
	}
	return nil
}

// serveHTTP serves the API until ctx ends, then drains in-flight requests. started, when
// given, is called with the bound address.
func serveHTTP(ctx context.Context, p *parts, started func(addr string)) error {
	sc := graph.DefaultServerConfig()
	sc.Sandbox = p.cfg.Sandbox
	sc.RatePerSecond = p.cfg.RatePerSecond
	sc.TrustedProxies = p.cfg.TrustedProxies
	sc.Logger = p.log
	sc.Ready = func(ctx context.Context) error { return p.pool.Ping(ctx) }
	sc.Hub = graph.NewHub()
	sc.Observer = p.metrics // metrics are served on KJB_METRICS_LISTEN, never on the API port
	go db.ListenEvents(ctx, p.pool, sc.Hub.Publish, func(err error) {
		p.log.Warn("event listener reconnecting", "error", err.Error())
	})
	srv := &http.Server{
		Handler:           graph.NewHandler(p.svc, sc),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", p.cfg.Listen)
	if err != nil {
		return fmt.Errorf("KJB_LISTEN=%s: %w", p.cfg.Listen, err)
	}
	stopOps, err := serveOps(p, nil)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopOps()
	p.log.Info("api listening", "addr", ln.Addr().String(), "sandbox", p.cfg.Sandbox)
	if started != nil {
		started(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	p.log.Info("api draining")
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
