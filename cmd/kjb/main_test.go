package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/internal/wait"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kjb-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "kjb")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// kjb runs the binary against dbURL and returns stdout, stderr and the exit code.
func kjb(t *testing.T, dbURL string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "KJB_LOG_LEVEL=warn")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestMigrateIsRepeatable(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	for range 2 {
		if _, stderr, code := kjb(t, d.URL, "migrate"); code != 0 {
			t.Fatalf("migrate exited %d: %s", code, stderr)
		}
	}
}

func TestAPIKeyCreatePrintsOnlyTheSecret(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	out, stderr, code := kjb(t, d.URL, "apikey", "create", "--role", "OPERATOR")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "kjb_live_") {
		t.Fatalf("stdout %q", out)
	}
	if _, stderr, code := kjb(t, d.URL, "apikey", "create", "--role", "PARTNER", "--partner", "nope"); code == 0 || !strings.Contains(stderr, "partner not found") {
		t.Fatalf("unknown partner: exit %d, %s", code, stderr)
	}
	if _, _, code := kjb(t, d.URL, "apikey", "create", "--role", "ACCOUNT"); code == 0 {
		t.Fatal("an ACCOUNT key without --account was created")
	}
}

func TestAuditExitCode(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	if out, _, code := kjb(t, d.URL, "audit"); code != 0 || !strings.Contains(out, "clean") {
		t.Fatalf("clean ledger: exit %d, %s", code, out)
	}
	// An unbalanced transaction written behind the rules' back.
	_, err := d.Pool.Exec(context.Background(), `
		WITH a AS (INSERT INTO accounts (id, name, type, country, kyc_status, service_fee_rate, created_at)
			VALUES (gen_random_uuid(), 'x', 'PERSONAL', 'GB', 'VERIFIED', 0.002, now()) RETURNING id),
		t AS (INSERT INTO ledger_transactions (id, kind, reference, created_at) VALUES (gen_random_uuid(), 'TOP_UP', 'forged', now()) RETURNING id)
		INSERT INTO ledger_entries (transaction_id, book, account_id, currency, amount, balance_after, created_at)
		SELECT t.id, 'CUSTOMER', a.id, 'USD', 10, 10, now() FROM t, a`)
	if err != nil {
		t.Fatal(err)
	}
	out, _, code := kjb(t, d.URL, "audit")
	if code != 1 || !strings.Contains(out, "VIOLATION transaction balanced per currency") || !strings.Contains(out, "customer balance equals its entries") {
		t.Fatalf("corrupt ledger: exit %d, %s", code, out)
	}
}

// TestWorkerNeedsARailOutsideSandbox: outside sandbox mode the worker refuses to start until a
// payout rail and a liquidity provider are configured, naming both.
func TestWorkerNeedsARailOutsideSandbox(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	cmd := exec.Command(binary, "worker")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_SANDBOX=false")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "KJB_PAYOUT_RAIL is not set") || !strings.Contains(string(out), "KJB_LIQUIDITY_PROVIDER is not set") {
		t.Fatalf("exit %v: %s", err, out)
	}
}

func TestConfigErrorsNameEachVariable(t *testing.T) {
	t.Parallel()
	_, err := loadConfig(func(k string) string {
		return map[string]string{"KJB_SANDBOX": "maybe", "KJB_DB_MAX_CONNS": "0", "KJB_LOG_LEVEL": "loud", "KJB_TRUSTED_PROXIES": "10.0.0.0/8, lb"}[k]
	}, false)
	for _, name := range []string{"DATABASE_URL", "KJB_SANDBOX", "KJB_DB_MAX_CONNS", "KJB_LOG_LEVEL", "KJB_TRUSTED_PROXIES"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
}

// TestAPIServesAndStopsOnSIGTERM runs `kjb api` as a process: it answers over HTTP and exits
// cleanly on SIGTERM.
func TestAPIServesAndStopsOnSIGTERM(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	cmd := exec.Command(binary, "api")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_LISTEN=127.0.0.1:0", "KJB_METRICS_LISTEN=127.0.0.1:0", "KJB_LOG_LEVEL=info", testSecretKeys)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr, metricsAddr := make(chan string, 1), make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "api listening" {
				addr <- line.Addr
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "metrics listening" {
				metricsAddr <- line.Addr
			}
		}
	}()
	var base, metrics string
	for base == "" || metrics == "" {
		select {
		case a := <-addr:
			base = "http://" + a
		case a := <-metricsAddr:
			metrics = "http://" + a
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatal("the api did not start")
		}
	}
	res, err := http.Post(base+"/query", "application/json", strings.NewReader(`{"query":"{ currencies { code } }"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("query: %v %v", res, err)
	}
	res.Body.Close()
	// Metrics are served on their own address, never on the public API port.
	if res, err := http.Get(base + "/metrics"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the API port: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	res, err = http.Get(metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "kjb_graphql_requests_total") {
		t.Fatalf("/metrics on KJB_METRICS_LISTEN: %d %.300s", res.StatusCode, body)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the api did not stop on SIGTERM")
	}
}

// TestWorkerRunsTheAuditJob starts `kjb worker`, waits for the periodic ledger audit to
// complete in river_job, and stops it with SIGTERM.
func TestWorkerRunsTheAuditJob(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	cmd := exec.Command(binary, "worker")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+d.URL, "KJB_LOG_LEVEL=warn", "KJB_SANDBOX=true", "KJB_METRICS_LISTEN=127.0.0.1:0")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	wait.For(t, 30*time.Second, func() error {
		var n int
		err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'ledger.audit' AND state = 'completed'`).Scan(&n)
		if err == nil && n == 0 {
			err = errors.New("the audit job has not completed")
		}
		return err
	})
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("worker exit: %v", err)
	}
}
