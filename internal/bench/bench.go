// Package bench is the harness behind `kjb bench`: it measures payments against a database it
// creates, driven straight against the store (the reference) and through real `kjb api` and
// `kjb worker` processes, and prints the figures the README reports.
package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	"github.com/kjb/kjb/worker"
)

// benchRuns is how many times each kind of measured run is repeated per shape.
const benchRuns = 3

// benchScenario is one shape of load.
type benchScenario struct {
	name      string
	suppliers int
	buyers    int
}

type benchResult struct {
	rate          float64
	p50, p95, p99 time.Duration
	errors        int
	latencies     []time.Duration // every call's, sorted
}

// Config is what the harness takes from kjb's configuration.
type Config struct {
	DatabaseURL string // the server to create the benchmark database on
	DBMaxConns  int    // pool size per process, as the processes measured use
	Binary      string // the kjb executable, started as `kjb api` and `kjb worker`
}

// Run measures KJB against the machine's own limit, side by side in one run, on a database it
// creates (and drops): the payment transaction driven straight against the store (reference),
// the same payments through a real `kjb api` process over HTTP, at peak and at 70% of peak,
// for spread and hot shapes; then a real `kjb worker` process draining a backlog of escrow
// releases into paid payouts. args are `kjb bench`'s flags.
func Run(ctx context.Context, cfg Config, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	clients := fs.Int("clients", 16, "concurrent HTTP clients (and reference goroutines)")
	payments := fs.Int("payments", 3000, "payments per measured run")
	backlog := fs.Int("backlog", 20000, "escrow releases drained by the worker")
	keep := fs.Bool("keep", false, "keep the benchmark database")
	grow := fs.Int("grow", 0, "grow a database to this many payments and compare every operation with an empty one (10000000 is the reference size)")
	grown := fs.String("grown", "", "measure this database, kept (-keep) by an earlier -grow run, instead of growing one (its size is read from it)")
	checkout := fs.Bool("checkout", false, "compare paying 10 orders per payOrders call with 10 payOrder calls")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *grow > 0 || *grown != "" {
		return RunGrow(ctx, cfg, *grow, *clients, *payments, *keep, *grown)
	}
	self := cfg.Binary
	b, err := openBench(ctx, cfg, *keep)
	if err != nil {
		return err
	}
	defer b.close()
	pool, svc, dbURL, dbName, api := b.pool, b.svc, b.url, b.name, b.api
	if *checkout {
		return runCheckout(ctx, b, *clients, *payments)
	}

	fmt.Printf("kjb bench — %d clients, %d payments per run, each run %d times (figures are medians), pool %d per process, database %s\n\n",
		*clients, *payments, benchRuns, cfg.DBMaxConns, dbName)
	fmt.Printf("%-8s %-16s %11s %8s %8s %8s %7s\n", "shape", "run", "payments/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	type shapeResult struct{ ref, peak, at70 benchResult }
	results := map[string]shapeResult{}
	for _, sc := range []benchScenario{{"spread", 1000, 1000}, {"hot", 1, 10}} {
		n := *payments
		orders, partner, key, err := seedBench(ctx, svc, sc, 3*benchRuns*n+200)
		if err != nil {
			return fmt.Errorf("seed %s: %w", sc.name, err)
		}
		next := func(k int) []string { o := orders[:k]; orders = orders[k:]; return o }
		endpoint := "http://" + api.addr + "/query"
		// The median rate for the reference and the peak, the run with the median p99 for the
		// load at 70% (a shared machine's noisy neighbours show most in a p99).
		repeat := func(label string, by func(benchResult) float64, run func() benchResult) benchResult {
			return repeatRuns(ctx, pool, &err, func(i int, r benchResult) { printRow(sc.name, fmt.Sprintf("%s %d", label, i+1), r) }, by, run)
		}
		var r shapeResult
		r.ref = repeat("reference", byRate, func() benchResult { return runReference(ctx, svc, partner, next(n), *clients) })
		runPayments(endpoint, key, next(200), *clients, 0) // warm-up
		r.peak = repeat("API peak", byRate, func() benchResult { return runPayments(endpoint, key, next(n), *clients, 0) })
		r.at70 = repeat("API at 70%", func(r benchResult) float64 { return float64(r.p99) }, func() benchResult {
			return runPayments(endpoint, key, next(n), *clients*4, 0.7*r.peak.rate)
		})
		if err != nil {
			return err
		}
		results[sc.name] = r
	}
	apiRSS := api.peakRSS()

	fmt.Printf("\nworker: draining %d escrow releases into paid payouts…\n", *backlog)
	drained, workerRSS, err := drainPayouts(ctx, self, dbURL, pool, svc, *backlog, *clients)
	if err != nil {
		return err
	}
	fmt.Printf("worker   payouts/s %8.0f\n\n", drained)

	spread, hot := results["spread"], results["hot"]
	fmt.Printf("API ÷ reference (spread)     %.2f   (target ≥ 0.60)\n", spread.peak.rate/spread.ref.rate)
	fmt.Printf("API ÷ reference (hot)        %.2f\n", hot.peak.rate/hot.ref.rate)
	fmt.Printf("hot ÷ spread (API peak)      %.2f   (target ≥ 0.90)\n", hot.peak.rate/spread.peak.rate)
	fmt.Printf("p99 at 70%% of peak, spread  %5.1f ms (target ≤ 50)\n", ms(spread.at70.p99))
	fmt.Printf("p99 at 70%% of peak, hot     %5.1f ms\n", ms(hot.at70.p99))
	fmt.Printf("payout drain                 %.0f/s (target ≥ 1000)\n", drained)
	fmt.Printf("peak RSS: api %.0f MB (target ≤ 150), worker %.0f MB\n", apiRSS/1e6, workerRSS/1e6)
	return nil
}

// benchDB is a benchmark database of its own, migrated, with a service on it and a `kjb api`
// process serving it.
type benchDB struct {
	pool      *pgxpool.Pool
	svc       *domain.Service
	url, name string
	api       *process
	close     func()
}

// openBench creates and migrates a benchmark database on cfg's server and starts `kjb api` on
// it; close stops the process and drops the database unless keep.
func openBench(ctx context.Context, cfg Config, keep bool) (*benchDB, error) {
	dbName := fmt.Sprintf("kjb_bench_%d", time.Now().Unix())
	dbURL, err := benchDatabaseURL(cfg.DatabaseURL, dbName)
	if err != nil {
		return nil, err
	}
	if err := db.EnsureDatabase(ctx, dbURL); err != nil {
		return nil, err
	}
	drop := func() {
		if !keep {
			dropDatabase(cfg.DatabaseURL, dbName)
		}
	}
	pool, _, svc, err := openService(ctx, cfg, dbURL)
	if err != nil {
		drop()
		return nil, err
	}
	fail := func(err error) (*benchDB, error) { pool.Close(); drop(); return nil, err }
	api, err := startProcess(ctx, cfg.Binary, "api", dbURL, map[string]string{"KJB_LISTEN": "127.0.0.1:0", "KJB_RATE_LIMIT": "0"})
	if err != nil {
		return fail(err)
	}
	return &benchDB{pool: pool, svc: svc, url: dbURL, name: dbName, api: api, close: func() { api.stop(); pool.Close(); drop() }}, nil
}

func printRow(shape, run string, r benchResult) {
	printRowAs(fmt.Sprintf("%-8s %-16s", shape, run), r)
}

// printRowAs prints a run's figures after its label.
func printRowAs(label string, r benchResult) {
	fmt.Printf("%s %11.0f %8.1f %8.1f %8.1f %7d\n", label, r.rate, ms(r.p50), ms(r.p95), ms(r.p99), r.errors)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// openService opens a pool on the database at url, migrates it (KJB's tables and River's) and
// puts a store (enqueuing River jobs) and a sandbox service on it.
func openService(ctx context.Context, cfg Config, url string) (*pgxpool.Pool, *db.Store, *domain.Service, error) {
	pool, err := db.Open(ctx, db.PoolConfig{URL: url, MaxConns: int32(cfg.DBMaxConns), AppName: "kjb-bench"})
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (*pgxpool.Pool, *db.Store, *domain.Service, error) {
		pool.Close()
		return nil, nil, nil, err
	}
	if _, err := db.Migrate(ctx, pool); err != nil {
		return fail(err)
	}
	if err := worker.Migrate(ctx, pool); err != nil {
		return fail(err)
	}
	rc, err := worker.NewInsertClient(pool, slog.New(slog.DiscardHandler))
	if err != nil {
		return fail(err)
	}
	store := db.NewStore(pool, worker.Enqueue(rc))
	return pool, store, domain.NewService(store, domain.SystemClock{}, domain.Config{Sandbox: true, LinkCodes: linkCodes}), nil
}

// benchDatabaseURL is the connection string of the database name on the server of server (a
// URL or keyword/value settings), with every other setting of server kept: its user, password,
// hosts and TLS settings.
func benchDatabaseURL(server, name string) (string, error) {
	if _, err := pgx.ParseConfig(server); err != nil {
		return "", err
	}
	if !strings.HasPrefix(server, "postgres://") && !strings.HasPrefix(server, "postgresql://") {
		// Keyword/value settings: a later keyword overrides an earlier one.
		return server + " dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "'", nil
	}
	// A URL, as pgx reads one (a socket's path or several hosts may not parse as Go's URLs): the
	// database is the path, unless the query names it. The rest is kept as written.
	rest, query, _ := strings.Cut(server, "?")
	scheme, authority, _ := strings.Cut(rest, "://")
	authority, _, _ = strings.Cut(authority, "/")
	var kept []string
	for _, kv := range strings.Split(query, "&") {
		if k, _, _ := strings.Cut(kv, "="); kv != "" && k != "dbname" && k != "database" {
			kept = append(kept, kv)
		}
	}
	u := scheme + "://" + authority + "/" + url.PathEscape(name)
	if len(kept) > 0 {
		u += "?" + strings.Join(kept, "&")
	}
	return u, nil
}

func dropDatabase(server, name string) {
	cfg, err := pgx.ParseConfig(server)
	if err != nil {
		return
	}
	cfg.Database = "postgres"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		return
	}
	defer conn.Close(context.Background())
	_, _ = conn.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// process is a kjb subprocess under measurement.
type process struct {
	cmd  *exec.Cmd
	addr string
}

// startProcess runs `kjb <command>` against dbURL and, for the api, waits until it listens.
func startProcess(ctx context.Context, self, command, dbURL string, env map[string]string) (*process, error) {
	cmd := exec.CommandContext(ctx, self, command)
	cmd.Env = append(os.Environ(), "DATABASE_URL="+dbURL, "KJB_SANDBOX=true", "KJB_LOG_LEVEL=warn")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if command == "api" {
		cmd.Env = append(cmd.Env, "KJB_LOG_LEVEL=info")
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			b := sc.Bytes()
			if len(b) > 0 && b[0] == '{' && !bytes.Contains(b, []byte(`"api listening"`)) {
				continue // a log line: the harness spends no time on it while it measures
			}
			var line struct{ Msg, Addr string }
			switch err := json.Unmarshal(b, &line); {
			case err != nil: // not a log line: a crash or a goroutine dump, for the operator
				fmt.Fprintf(os.Stderr, "kjb %s: %s\n", command, b)
			case line.Msg == "api listening":
				ready <- line.Addr
			}
		}
		_, _ = io.Copy(io.Discard, stderr) // past a line too long to scan: never block the process
	}()
	if command != "api" {
		return p, nil
	}
	select {
	case p.addr = <-ready:
		return p, nil
	case <-time.After(30 * time.Second):
		p.stop()
		return nil, fmt.Errorf("kjb %s did not start", command)
	}
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func (p *process) peakRSS() float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb * 1024
		}
	}
	return 0
}

func (p *process) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// linkCodes stands in for the buyers: the harness confirms every link with the code it was sent.
var linkCodes = &codeBook{codes: map[string]string{}}

type codeBook struct {
	mu    sync.Mutex
	codes map[string]string
}

func (b *codeBook) SendLinkCode(_ context.Context, r domain.LinkCodeRequest) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.codes[r.LinkID] = r.Code
	return nil
}

func (b *codeBook) code(linkID string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.codes[linkID]
}

// system is the actor the harness seeds as: an operator without a key, as the command line is.
var system = domain.Actor{Role: domain.RoleOperator, KeyID: "system"}

// seedBench creates a partner, its suppliers and buyers (verified, linked, Cross-border Pay
// active, funded) and n orders spread over them; it returns the orders' raw ids, the partner
// actor and a partner key.
func seedBench(ctx context.Context, svc *domain.Service, sc benchScenario, n int) ([]string, domain.Actor, string, error) {
	p, err := svc.CreatePartner(ctx, system, "bench-"+sc.name, "Bench "+sc.name)
	if err != nil {
		return nil, domain.Actor{}, "", err
	}
	_, key, err := svc.CreateAPIKey(ctx, system, domain.CreateAPIKeyInput{Role: domain.RolePartner, PartnerID: p.ID})
	if err != nil {
		return nil, domain.Actor{}, "", err
	}
	partner := domain.Actor{Role: domain.RolePartner, PartnerID: p.ID, KeyID: "bench"}
	err = parallel(sc.suppliers, func(i int) error {
		_, err := svc.UpsertSupplier(ctx, partner, domain.UpsertSupplierInput{SupplierID: fmt.Sprint("s", i), Name: fmt.Sprint("Supplier ", i),
			AcceptsCrossBorderPay: true, PayoutAccount: fmt.Sprintf("62220202%07d1", i)}) // never ...0002 or ...0003, the rail's failing test accounts
		return err
	})
	if err != nil {
		return nil, domain.Actor{}, "", err
	}
	err = parallel(sc.buyers, func(i int) error {
		member := fmt.Sprint("m", i)
		if _, err := svc.UpsertMember(ctx, partner, domain.UpsertMemberInput{MemberID: member, Type: domain.AccountCorporate,
			AlipayVerified: true, Authorized: true, MainlandAlipayLinked: true}); err != nil {
			return err
		}
		a, err := svc.CreateAccount(ctx, system, domain.CreateAccountInput{Name: fmt.Sprint("Buyer ", i), Type: domain.AccountCorporate, Country: "GB"})
		if err != nil {
			return err
		}
		if _, err := svc.ReviewKyc(ctx, system, domain.ReviewKycInput{AccountID: a.ID, Decision: domain.KycApprove}); err != nil {
			return err
		}
		l, err := svc.LinkMarketplaceAccount(ctx, system, domain.LinkInput{AccountID: a.ID, Platform: p.Code, MemberID: member})
		if err != nil {
			return err
		}
		if _, err := svc.ConfirmMarketplaceLink(ctx, system, l.ID, linkCodes.code(l.ID)); err != nil {
			return err
		}
		if _, err := svc.ActivateCrossBorderPay(ctx, system, l.ID); err != nil {
			return err
		}
		_, _, err = svc.TopUp(ctx, system, domain.TopUpInput{AccountID: a.ID, Amount: "100000000.00", Currency: "CNH", Reference: "bench"})
		return err
	})
	if err != nil {
		return nil, domain.Actor{}, "", err
	}
	orders := make([]string, n)
	err = parallel(n, func(i int) error {
		o, err := svc.CreateOrder(ctx, partner, domain.CreateOrderInput{ExternalID: fmt.Sprint("o", i), BuyerMemberID: fmt.Sprint("m", i%sc.buyers),
			SupplierID: fmt.Sprint("s", i%sc.suppliers), Amount: domain.AmountInput{Amount: "100.00", Currency: "CNY"}, TradeMode: domain.TradeSecured})
		orders[i] = o.ID
		return err
	})
	return orders, partner, key, err
}

func parallel(n int, f func(i int) error) error {
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// measure runs do(i) for every i with `workers` goroutines, either as fast as possible
// (rate 0) or starting request i at i/rate seconds (open loop), and reports throughput and
// latency (measured from the intended start, so queueing counts).
func measure(n, workers int, rate float64, do func(i int) bool) benchResult {
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				t0 := time.Now()
				if rate > 0 {
					t0 = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
					time.Sleep(time.Until(t0))
				}
				if !do(i) {
					errs.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	return benchResult{rate: float64(n) / elapsed.Seconds(), p50: percentile(lat, 0.50), p95: percentile(lat, 0.95),
		p99: percentile(lat, 0.99), errors: int(errs.Load()), latencies: lat}
}

// percentile is the p-th percentile of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

// repeatRuns makes benchRuns runs, each from vacuumed, analyzed tables (as pgbench's runs do),
// shows each with show, and returns the median run by by. A failed vacuum is kept in *err (the
// first one) and the runs go on.
func repeatRuns(ctx context.Context, pool *pgxpool.Pool, err *error, show func(i int, r benchResult),
	by func(benchResult) float64, run func() benchResult) benchResult {
	var rs []benchResult
	for i := range benchRuns {
		if *err == nil {
			*err = db.Vacuum(ctx, pool)
		}
		rs = append(rs, run())
		show(i, rs[i])
	}
	return medianBy(rs, by)
}

// medianBy is the run with the median by.
func medianBy(rs []benchResult, by func(benchResult) float64) benchResult {
	s := append([]benchResult(nil), rs...)
	sort.Slice(s, func(a, b int) bool { return by(s[a]) < by(s[b]) })
	return s[len(s)/2]
}

// byRate orders runs by their rate.
func byRate(r benchResult) float64 { return r.rate }

// runReference drives the payment transaction straight against the store: the same
// statements, locks and pool size as the API's, without HTTP, GraphQL or authentication.
func runReference(ctx context.Context, svc *domain.Service, partner domain.Actor, orders []string, workers int) benchResult {
	return measure(len(orders), workers, 0, func(i int) bool { return payByStore(ctx, svc, partner, orders[i]) })
}

// payByStore pays the order through the store, as runReference does, reporting success.
func payByStore(ctx context.Context, svc *domain.Service, partner domain.Actor, order string) bool {
	_, err := svc.PayOrder(ctx, partner, domain.PayOrderInput{OrderID: order, Method: domain.MethodWorldPay, IdempotencyKey: "ref-" + order})
	return err == nil
}

const payMutation = `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id } userErrors { code } } }`

// runPayments pays every order once over HTTP.
func runPayments(endpoint, key string, orders []string, clients int, rate float64) benchResult {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	bodies := make([][]byte, len(orders)) // built before the clock starts
	for i, o := range orders {
		bodies[i], _ = json.Marshal(map[string]any{"query": payMutation, "variables": map[string]any{"input": map[string]any{
			"orderId": graph.OrderGlobalID(o), "method": "WORLD_PAY", "idempotencyKey": "bench-" + o}}})
	}
	return measure(len(orders), clients, rate, func(i int) bool { return postPayment(hc, endpoint, key, bodies[i]) })
}

func postPayment(hc *http.Client, endpoint, key string, body []byte) bool {
	var out struct {
		Data struct {
			PayOrder struct {
				Payment *struct{ ID string }
			}
		}
		Errors []any
	}
	return postGraphQL(hc, endpoint, key, body, &out) && len(out.Errors) == 0 && out.Data.PayOrder.Payment != nil
}

// postGraphQL posts one GraphQL request with the key and decodes the answer into out.
func postGraphQL(hc *http.Client, endpoint, key string, body []byte, out any) bool {
	req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return json.Unmarshal(raw, out) == nil
}

// drainPayouts makes `backlog` escrow releases due at once (topping up with fresh payments if
// the runs left fewer), starts a `kjb worker` process and times it until every payout is paid.
func drainPayouts(ctx context.Context, self, dbURL string, pool *pgxpool.Pool, svc *domain.Service, backlog, clients int) (float64, float64, error) {
	held, err := db.HeldEscrows(ctx, pool)
	if err != nil {
		return 0, 0, err
	}
	if missing := backlog - held; missing > 0 {
		orders, partner, _, err := seedBench(ctx, svc, benchScenario{"drain", 100, 100}, missing)
		if err != nil {
			return 0, 0, err
		}
		runReference(ctx, svc, partner, orders, clients)
	}
	if err := worker.MakeReleasesDue(ctx, pool, backlog); err != nil {
		return 0, 0, err
	}
	if err := db.Vacuum(ctx, pool); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	w, err := startProcess(ctx, self, "worker", dbURL, map[string]string{"KJB_METRICS_LISTEN": "127.0.0.1:0"})
	if err != nil {
		return 0, 0, err
	}
	defer w.stop()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		paid, err := db.PaidPayouts(ctx, pool)
		if err != nil {
			return 0, 0, err
		}
		if paid >= backlog {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("only %d of %d payouts paid after 5 minutes", paid, backlog)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return float64(backlog) / time.Since(start).Seconds(), w.peakRSS(), nil
}
