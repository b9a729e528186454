package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/internal/wait"
)

// TestDevRefusesADatabaseProductionUsed: an api started outside sandbox mode marks the
// database, and `kjb dev` then refuses to seed demo keys into it.
func TestDevRefusesADatabaseProductionUsed(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	api := exec.Command(binary, "api")
	api.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_LISTEN=127.0.0.1:0", "KJB_LOG_LEVEL=warn", "KJB_SANDBOX=false",
		"KJB_METRICS_LISTEN=127.0.0.1:0", testSecretKeys)
	if err := api.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = api.Process.Kill(); _ = api.Wait() })
	wait.For(t, 30*time.Second, func() error {
		var n int
		err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM deployment_mode`).Scan(&n)
		if err == nil && n == 0 {
			err = errors.New("the api has not marked the database")
		}
		return err
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dev := exec.CommandContext(ctx, binary, "dev")
	dev.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_LISTEN=127.0.0.1:0", "KJB_LOG_LEVEL=warn", "KJB_METRICS_LISTEN=127.0.0.1:0")
	out, err := dev.CombinedOutput()
	if err == nil || ctx.Err() != nil || !strings.Contains(string(out), "will not seed demo data") || strings.Contains(string(out), "kjb_test_") {
		t.Fatalf("kjb dev on a production database: %v\n%s", err, out)
	}
	var n int
	if err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM api_keys`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d keys were seeded (%v)", n, err)
	}
}
