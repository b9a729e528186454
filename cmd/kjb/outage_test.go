package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/internal/wait"
)

// freePort reserves a loopback port and releases it: nothing listens there until the test
// opens it again.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// forward accepts on addr and pipes every connection to target until the test ends.
func forward(t *testing.T, addr, target string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

func readyz(addr string) int {
	res, err := (&http.Client{Timeout: 3 * time.Second}).Get("http://" + addr + "/readyz")
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}

// TestProcessesWaitForTheDatabase starts `kjb worker` and `kjb api` while nothing answers
// at the database's address: both keep running and answer 503 on /readyz; once the
// database answers they turn ready by themselves, and the worker works jobs.
func TestProcessesWaitForTheDatabase(t *testing.T) {
	t.Parallel()
	d := testdb.New(t)
	u, err := url.Parse(d.URL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	dbAddr := freePort(t)
	u.Host = dbAddr
	workerOps, apiAddr := freePort(t), freePort(t)
	start := func(env ...string) *exec.Cmd {
		cmd := exec.Command(binary, env[0])
		cmd.Env = append(os.Environ(), append([]string{"DATABASE_URL=" + u.String(), "KJB_LOG_LEVEL=error", "KJB_SANDBOX=true"}, env[1:]...)...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
			}
		})
		go func() {
			if err := <-exited; err != nil {
				t.Errorf("kjb %s exited while the database was away: %v", env[0], err)
			}
			exited <- nil
		}()
		return cmd
	}
	start("worker", "KJB_METRICS_LISTEN="+workerOps)
	start("api", "KJB_LISTEN="+apiAddr, "KJB_METRICS_LISTEN="+freePort(t))
	for _, addr := range []string{workerOps, apiAddr} {
		wait.For(t, 30*time.Second, func() error {
			if code := readyz(addr); code != http.StatusServiceUnavailable {
				return fmt.Errorf("%s/readyz answered %d, want 503 while the database is away", addr, code)
			}
			return nil
		})
	}
	time.Sleep(2 * time.Second) // several connection attempts fail meanwhile
	if t.Failed() {
		t.FailNow()
	}
	forward(t, dbAddr, target)
	for _, addr := range []string{workerOps, apiAddr} {
		wait.For(t, 30*time.Second, func() error {
			if code := readyz(addr); code != http.StatusOK {
				return fmt.Errorf("%s/readyz answered %d after the database came back", addr, code)
			}
			return nil
		})
	}
	wait.For(t, 30*time.Second, func() error {
		var n int
		err := d.Pool.QueryRow(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'ledger.audit' AND state = 'completed'`).Scan(&n)
		if err == nil && n == 0 {
			err = errors.New("the worker has not worked the audit job")
		}
		return err
	})
}
