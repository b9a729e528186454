package db_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/worker"
)

// TestCutBeforeCommitReleasesTheLockWithinTheBound loses a top-up's connection after its
// balance and ledger writes reached the server but before its COMMIT did, with neither end
// told (no FIN, no RST). The server session, busy inside the transaction, holds the buyer's
// rows; it must notice the dead client and roll back within db.DeadPeerBound, so the
// client's retry with the same reference goes through and credits once. The client that
// sent the COMMIT must also learn of the dead connection within the bound.
func TestCutBeforeCommitReleasesTheLockWithinTheBound(t *testing.T) {
	t.Parallel()
	e := New(t)
	gid, _ := e.Account("Buyer")
	e.Fund(gid, "100.00", "USD")
	raw, err := base64.RawURLEncoding.DecodeString(gid)
	if err != nil {
		t.Fatal(err)
	}
	id := strings.TrimPrefix(string(raw), "Account:")
	u, err := url.Parse(e.DBURL)
	if err != nil {
		t.Fatal(err)
	}
	cutter := startCommitCutter(t, u.Host)
	if !cutter.canCut() {
		t.Skip("closing a socket silently needs TCP_REPAIR (CAP_NET_ADMIN): run the tests as root")
	}
	u.Host = cutter.addr
	pool, err := db.Open(context.Background(), db.PoolConfig{URL: u.String(), MaxConns: 2, AppName: "kjb-cut"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	rc, err := worker.NewInsertClient(pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	svc := domain.NewService(db.NewStore(pool, worker.Enqueue(rc)), domain.SystemClock{}, domain.Config{Sandbox: true})
	operator := domain.Actor{Role: domain.RoleOperator, KeyID: "test"}
	in := domain.TopUpInput{AccountID: id, Amount: "25.00", Currency: "USD", Reference: "cut-before-commit"}

	cutter.arm()
	stalled := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go func() { _, _, err := svc.TopUp(ctx, operator, in); stalled <- err }()
	select {
	case <-cutter.held:
	case err := <-stalled:
		t.Fatalf("the top-up ended before its COMMIT went through the proxy: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the COMMIT never went through the proxy")
	}
	// The server has run the writes (the transaction has an id) and waits for the COMMIT.
	wait.For(t, 30*time.Second, func() error {
		if e.Count(`SELECT count(*) FROM pg_stat_activity WHERE application_name = 'kjb-cut' AND backend_xid IS NOT NULL`) != 1 {
			return errors.New("the top-up's writes have not run")
		}
		return nil
	})
	// Let every segment sent so far be acknowledged (delayed ACKs), as on a link that then
	// goes silent: what is cut is the traffic after this point.
	time.Sleep(time.Second)
	close(cutter.silence)
	cutAt := <-cutter.cut

	retryCtx, cancelRetry := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancelRetry()
	_, _, err = e.Svc.TopUp(retryCtx, operator, in)
	released := time.Since(cutAt)
	if err != nil {
		t.Fatalf("retry with the same reference: %v", err)
	}
	t.Logf("the buyer's rows were released %.1fs after the cut (bound %s)", released.Seconds(), db.DeadPeerBound)
	if released > db.DeadPeerBound {
		t.Errorf("the stalled transaction held the buyer's rows for %s, more than %s", released, db.DeadPeerBound)
	}
	select {
	case err := <-stalled:
		noticed := time.Since(cutAt)
		t.Logf("the client noticed the dead connection %.1fs after the cut: %v", noticed.Seconds(), err)
		if err == nil {
			t.Error("the top-up whose COMMIT was lost reported success")
		}
		if noticed > db.DeadPeerBound {
			t.Errorf("the client waited %s for its COMMIT, more than %s", noticed, db.DeadPeerBound)
		}
	case <-time.After(db.DeadPeerBound - released + 2*time.Second):
		t.Errorf("the client still waits for its COMMIT %s after the cut", time.Since(cutAt))
	}
	if n := e.Count(`SELECT count(*) FROM top_ups WHERE reference = 'cut-before-commit'`); n != 1 {
		t.Errorf("%d top-ups under the retried reference, want 1", n)
	}
	if n := e.Count(`SELECT count(*) FROM balances WHERE account_id = $1 AND currency = 'USD' AND available = 125`, id); n != 1 {
		t.Error("the balance is not 100.00 + 25.00 once")
	}
	e.Audit()
}

// commitCutter is a TCP proxy to PostgreSQL that, when armed, forwards a transaction's last
// batch up to its COMMIT and then closes both of that connection's sockets in TCP repair
// mode, which sends nothing: to both ends the network has gone silent.
type commitCutter struct {
	addr    string
	armed   sync.Mutex
	isArm   bool
	held    chan struct{} // the transaction's writes went through, its COMMIT is held back
	silence chan struct{} // closed by the test: cut now
	cut     chan time.Time
}

func startCommitCutter(t *testing.T, target string) *commitCutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &commitCutter{addr: ln.Addr().String(), held: make(chan struct{}, 1), silence: make(chan struct{}), cut: make(chan time.Time, 1)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go c.serve(client.(*net.TCPConn), target)
		}
	}()
	return c
}

func (c *commitCutter) arm() { c.armed.Lock(); c.isArm = true; c.armed.Unlock() }

func (c *commitCutter) takeArm() bool {
	c.armed.Lock()
	defer c.armed.Unlock()
	was := c.isArm
	c.isArm = false
	return was
}

// canCut reports whether this process may put a socket in repair mode.
func (c *commitCutter) canCut() bool {
	a, err := net.Dial("tcp", c.addr)
	if err != nil {
		return false
	}
	defer a.Close()
	return setRepair(a.(*net.TCPConn)) == nil
}

const tcpRepair = 19 // TCP_REPAIR, linux/tcp.h

func setRepair(conn *net.TCPConn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, tcpRepair, 1) }); err != nil {
		return err
	}
	return serr
}

func (c *commitCutter) serve(client *net.TCPConn, target string) {
	s, err := net.Dial("tcp", target)
	if err != nil {
		client.Close()
		return
	}
	server := s.(*net.TCPConn)
	go func() {
		// A plain copy: io.Copy would splice, holding the sockets the cut closes.
		b := make([]byte, 64<<10)
		for {
			n, err := server.Read(b)
			if n > 0 {
				if _, err := client.Write(b[:n]); err != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer server.Close()
	statements := map[string]string{} // prepared statement name → SQL
	var buf []byte
	started := false
	chunk := make([]byte, 64<<10)
	for {
		n, err := client.Read(chunk)
		buf = append(buf, chunk[:n]...)
		// Frontend messages: the startup message is a length and a body; every later one a
		// type byte, a length that counts itself, and a body.
		for {
			if !started {
				if len(buf) < 4 || len(buf) < int(binary.BigEndian.Uint32(buf)) {
					break
				}
				size := int(binary.BigEndian.Uint32(buf))
				if _, werr := server.Write(buf[:size]); werr != nil {
					return
				}
				buf, started = buf[size:], true
				continue
			}
			if len(buf) < 5 || len(buf) < 1+int(binary.BigEndian.Uint32(buf[1:])) {
				break
			}
			size := 1 + int(binary.BigEndian.Uint32(buf[1:]))
			msg := buf[:size]
			body := msg[5:]
			switch msg[0] {
			case 'P': // Parse: statement name, query
				name, rest := cstring(body)
				query, _ := cstring(rest)
				statements[name] = query
			case 'B': // Bind: portal, statement name
				_, rest := cstring(body)
				name, _ := cstring(rest)
				if statements[name] == "COMMIT" && c.takeArm() {
					// Everything before the COMMIT has been forwarded: go silent both ways.
					c.held <- struct{}{}
					<-c.silence
					if err := errors.Join(setRepair(client), setRepair(server)); err != nil {
						panic(err)
					}
					client.Close()
					server.Close()
					c.cut <- time.Now()
					return
				}
			}
			if _, werr := server.Write(msg); werr != nil {
				return
			}
			buf = buf[size:]
		}
		if err != nil {
			return
		}
	}
}

func cstring(b []byte) (string, []byte) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), b[i+1:]
		}
	}
	return string(b), nil
}
