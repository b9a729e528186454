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
	return serveHTTP(ctx, p, nil)
}

func cmdWorker(ctx context.Context) error {
	p, err := connect(ctx, false, true, "kjb-worker")
	if err != nil {
		return err
	}
	defer p.close()
	var started atomic.Bool
	ops := &http.Server{Addr: p.cfg.MetricsListen, Handler: opsHandler(p, &started), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := ops.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.log.Error("metrics listener", "addr", p.cfg.MetricsListen, "error", err.Error())
		}
	}()
	defer ops.Close()
	if !startWorkers(ctx, p) {
		return nil
	}
	started.Store(true)
	p.log.Info("worker started")
	<-ctx.Done()
	return stopWorkers(p)
}

// startWorkers starts River, retrying with capped exponential backoff while the database
// does not answer, so a worker started during a database outage waits for it instead of
// exiting. It reports false when ctx ends first.
func startWorkers(ctx context.Context, p *parts) bool {
	backoff := 250 * time.Millisecond
	for {
		err := p.river.Start(ctx)
		if err == nil {
			return true
		}
		p.log.Warn("worker waiting for the database", "error", err.Error(), "retry_in", backoff.String())
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// opsHandler is the worker's own HTTP surface: /metrics, /healthz, /readyz. /readyz answers
// 503 until the workers have started and whenever the database does not answer.
func opsHandler(p *parts, started *atomic.Bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", p.metrics.Handler())
	if p.cfg.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if err := p.pool.Ping(r.Context()); err != nil || !started.Load() {
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
	sc.Logger = p.log
	sc.Ready = func(ctx context.Context) error { return p.pool.Ping(ctx) }
	sc.Hub = graph.NewHub()
	sc.Observer, sc.Metrics = p.metrics, p.metrics.Handler()
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
