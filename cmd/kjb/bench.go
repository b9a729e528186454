package main

import (
	"context"
	"os"

	"github.com/kjb/kjb/internal/bench"
)

// cmdBench runs the benchmark harness (internal/bench) against DATABASE_URL's server, starting
// this executable as its api and worker processes.
func cmdBench(ctx context.Context, args []string) error {
	cfg, err := loadConfig(os.Getenv, false)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	return bench.Run(ctx, bench.Config{DatabaseURL: cfg.DatabaseURL, DBMaxConns: cfg.DBMaxConns, Binary: self}, args)
}
