package bench

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/worker"
)

// baselinePayments is the size of the "empty" database the grown one is compared with: a year
// of payments of one partner's busiest account.
const baselinePayments = 1000

// baselineAccounts is how many accounts the baseline's payments are spread over: as few as give
// its busy account as many payments a year as the one measured on the grown database of n, so an
// account's reads (its payments, events, ledger lines and a month's statement) compare the same
// account's pages, in a database of baselinePayments and in one of n.
func baselineAccounts(n int) int {
	return max(1, (baselinePayments*db.GrowAccounts(n)+n/2)/n)
}

// opResult is one operation's latency over its repetitions.
type opResult struct {
	name     string
	p50, p99 time.Duration
	rate     float64 // payments/s, for payOrder's peak
}

// grownDB is one database the operations are measured on.
type grownDB struct {
	name     string
	pool     *pgxpool.Pool
	store    *db.Store
	svc      *domain.Service
	grown    db.GrowResult
	payments int
	grow     time.Duration
	audit    time.Duration
	bytes    int64
}

// RunGrow grows a database to n payments and an "empty" one to baselinePayments, measures every
// operation on both and prints the table of ratios. keep leaves the grown database in place;
// grown, when set, names a database kept by an earlier run, measured again instead of growing
// a new one (n is then read from it).
func RunGrow(ctx context.Context, cfg Config, n, clients, payments int, keep bool, grown string) error {
	var kept *grownDB
	if grown != "" {
		var err error
		if kept, err = openGrown(ctx, cfg, grown); err != nil {
			return err
		}
		n = kept.payments
	}
	fmt.Printf("kjb bench -grow %d — %d clients, %d payments per payOrder run, pool %d\n\n", n, clients, payments, cfg.DBMaxConns)
	var dbs []*grownDB
	var big *grownDB // the grown database, which keep keeps
	defer func() {
		for _, d := range dbs {
			d.pool.Close()
			if d != kept && !(keep && d == big) {
				dropDatabase(cfg.DatabaseURL, d.name)
			}
		}
	}()
	if kept != nil {
		dbs = append(dbs, kept)
	}
	grow := func(size, accounts, i int) (*grownDB, error) {
		d, err := growDatabase(ctx, cfg, db.GrowShape{Payments: size, Accounts: accounts}, i)
		if d != nil {
			dbs = append(dbs, d)
		}
		if err == nil {
			fmt.Printf("grew %s to %d payments in %s; full audit clean in %s; %.1f MB (%.0f bytes per payment)\n",
				d.name, size, d.grow.Round(time.Second), d.audit.Round(time.Millisecond), float64(d.bytes)/1e6, float64(d.bytes)/float64(size))
		}
		return d, err
	}
	empty, err := grow(baselinePayments, baselineAccounts(n), 0)
	if err != nil {
		return err
	}
	big = kept
	if big == nil {
		if big, err = grow(n, 0, 1); err != nil {
			return err
		}
	} else {
		fmt.Printf("measuring %s, kept from an earlier run at %d payments; %.1f MB (%.0f bytes per payment)\n",
			big.name, n, float64(big.bytes)/1e6, float64(big.bytes)/float64(n))
	}
	both := [2]*grownDB{empty, big}
	var ops [2][]growOp
	for i, d := range both {
		if ops[i], err = readOps(ctx, d); err != nil { // closes the earlier months for real first
			return err
		}
	}
	stats := db.ResetStatementStats(ctx, big.pool) // after that setup: the statements measured
	// Both databases are on one server: the reads start with the setup's writes (its month
	// closes) on disk, not being written out by a checkpoint while they are timed.
	if err := db.Checkpoint(ctx, big.pool); err != nil {
		return err
	}
	results, err := measureReads(ops)
	if err != nil {
		return err
	}
	writes, err := measureWrites(ctx, both, clients, payments)
	if err != nil {
		return err
	}
	for i := range results {
		results[i] = append(results[i], writes[i]...)
	}
	if stats {
		top, err := db.SlowestStatements(ctx, big.pool, 12)
		if err != nil {
			return err
		}
		fmt.Printf("\nslowest statements on the grown database while measuring (pg_stat_statements, mean ms):\n")
		for _, s := range top {
			fmt.Printf("%9.2f ms %8d calls  %.160s\n", s.MeanMillis, s.Calls, s.Query)
		}
	}
	fmt.Printf("\n%-28s %10s %10s %10s %10s %7s\n", "operation", "empty p50", "empty p99", "grown p50", "grown p99", "ratio")
	for i, e := range results[0] {
		g := results[1][i]
		if e.rate > 0 {
			fmt.Printf("%-28s %10.0f %10s %10.0f %10s %7.2f   (payments/s)\n", e.name, e.rate, "", g.rate, "", g.rate/e.rate)
			continue
		}
		fmt.Printf("%-28s %10.2f %10.2f %10.2f %10.2f %7.2f\n", e.name, ms(e.p50), ms(e.p99), ms(g.p50), ms(g.p99), ratio(g.p99, e.p99))
	}
	printCloseRatio(results[0], results[1])
	if kept == nil {
		fmt.Printf("\nfull audit: empty %s, grown %s\n", empty.audit.Round(time.Millisecond), big.audit.Round(time.Millisecond))
	}
	fmt.Printf("database size: grown %.1f GB, %.0f bytes per payment\n", float64(big.bytes)/1e9, float64(big.bytes)/float64(n))
	return nil
}

func ratio(a, b time.Duration) float64 {
	if b <= 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// growDatabase creates a database, migrates it, grows it to size payments, rolls up its
// partner summaries (as the worker would), runs the full audit (which must be clean, and sets
// the incremental audit's checkpoint) and vacuums it. It notes what it grew on the database, for
// a later run's -grown. A database it created is returned with its error, to be dropped.
func growDatabase(ctx context.Context, cfg Config, shape db.GrowShape, i int) (*grownDB, error) {
	size := shape.Payments
	name := fmt.Sprintf("kjb_bench_%d_%d", time.Now().Unix(), i)
	url, err := benchDatabaseURL(cfg.DatabaseURL, name)
	if err != nil {
		return nil, err
	}
	if err := db.EnsureDatabase(ctx, url); err != nil {
		return nil, err
	}
	d, err := attachDatabase(ctx, cfg, url, name)
	if err != nil {
		dropDatabase(cfg.DatabaseURL, name)
		return nil, err
	}
	d.payments = size
	start := time.Now()
	last := time.Now()
	shape.Progress = func(done int) {
		if time.Since(last) > 30*time.Second {
			fmt.Printf("  … %d payments (%s)\n", done, time.Since(start).Round(time.Second))
			last = time.Now()
		}
	}
	d.grown, err = db.Grow(ctx, d.pool, shape, time.Now())
	if err != nil {
		return d, err
	}
	rolled := time.Now()
	days, err := d.svc.RollUpSummaries(ctx, time.Minute, 0)
	if err != nil {
		return d, err
	}
	fmt.Printf("  rolled up %d days of partner summaries in %s\n", days, time.Since(rolled).Round(time.Millisecond))
	if err := db.Vacuum(ctx, d.pool); err != nil {
		return d, err
	}
	d.grow = time.Since(start)
	start = time.Now()
	vs, err := d.svc.Audit(ctx)
	if err != nil {
		return d, err
	}
	if err := clean(vs, nil); err != nil {
		return d, fmt.Errorf("the grown database fails the audit: %w", err)
	}
	d.audit = time.Since(start)
	if err := db.RememberGrowth(ctx, d.pool, size, d.grown); err != nil {
		return d, err
	}
	d.bytes, err = db.DatabaseSize(ctx, d.pool)
	return d, err
}

// openGrown attaches to a database an earlier run grew and kept (applying any migration added
// since, then vacuuming it), to measure it again.
func openGrown(ctx context.Context, cfg Config, name string) (*grownDB, error) {
	url, err := benchDatabaseURL(cfg.DatabaseURL, name)
	if err != nil {
		return nil, err
	}
	d, err := attachDatabase(ctx, cfg, url, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// A migration applied since may have rewritten rows: vacuumed as the grow leaves a database.
	if d.payments, d.grown, err = db.RecallGrowth(ctx, d.pool); err == nil {
		err = db.Vacuum(ctx, d.pool)
	}
	if err == nil {
		d.bytes, err = db.DatabaseSize(ctx, d.pool)
	}
	if err != nil {
		d.pool.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// attachDatabase opens a pool on the database, migrates it and puts a service on it.
func attachDatabase(ctx context.Context, cfg Config, url, name string) (*grownDB, error) {
	pool, store, svc, err := openService(ctx, cfg, url)
	if err != nil {
		return nil, err
	}
	return &grownDB{name: name, pool: pool, store: store, svc: svc}, nil
}

// readRounds and readsPerRound: each read is timed in rounds, in which its calls alternate
// between the two databases one by one (each first in turn), so both see the same machine: a
// stall of a few milliseconds (a checkpoint's writes, autovacuum, the Go runtime) falls on
// both, where a stretch of calls on one database would have shown it as a ratio. Each round
// makes readsPerRound calls on each database, or as many as fit the slower one's roundBudget
// (at least 3), the same number on both. A
// read done 300 times a round has its p99 at the 15th slowest of 1,500: one stall of the
// machine does not make it (the month close, at about a second, runs a few times a round: its
// p99 is its worst).
const (
	readRounds    = 5
	readsPerRound = 300
	roundBudget   = 3 * time.Second
)

// measureReads times each of the reads (readOps of each database: the dashboard and app
// reads, the /metrics snapshot and the month close), alternating rounds between the databases,
// and returns each one's results.
func measureReads(ops [2][]growOp) ([2][]opResult, error) {
	var out [2][]opResult
	for k := range ops[0] {
		var lat [2][]time.Duration
		for range readRounds {
			var spent [2]time.Duration
			for n := 0; n < readsPerRound && (n < 3 || max(spent[0], spent[1]) < roundBudget); n++ {
				for j := range ops {
					i := (n + j) % len(ops)
					t0 := time.Now()
					if err := ops[i][k].do(); err != nil {
						return out, fmt.Errorf("%s: %w", ops[i][k].name, err)
					}
					took := time.Since(t0)
					spent[i] += took
					lat[i] = append(lat[i], took)
				}
			}
		}
		for i := range lat {
			sort.Slice(lat[i], func(a, b int) bool { return lat[i][a] < lat[i][b] })
			out[i] = append(out[i], opResult{name: ops[i][k].name, p50: percentile(lat[i], 0.5), p99: percentile(lat[i], 0.99)})
		}
	}
	return out, nil
}

// grownUntil is the end of g's grown year (now, for a database grown before it was noted).
func grownUntil(g db.GrowResult) time.Time {
	if g.Until.IsZero() {
		return time.Now()
	}
	return g.Until
}

// readOps are the reads measured on d.
func readOps(ctx context.Context, d *grownDB) ([]growOp, error) {
	g := d.grown
	partner := domain.Actor{Role: domain.RolePartner, PartnerID: g.MainPartnerID, KeyID: "bench"}
	account := domain.Actor{Role: domain.RoleAccount, AccountID: g.BusyAccountID, KeyID: "bench"}
	day := grownUntil(g).Add(-48 * time.Hour).Truncate(24 * time.Hour)
	page := domain.Page{First: domain.DefaultPageSize}
	deep := func(after string) domain.Page { return domain.Page{First: domain.DefaultPageSize, After: after} }
	counter := worker.JobCounter{Pool: d.pool}
	ops := []growOp{
		{"partnerSummary day", func() error { _, err := d.svc.PartnerSummary(ctx, partner, day, day.Add(24*time.Hour)); return err }},
		{"partnerSummary month", func() error {
			_, err := d.svc.PartnerSummary(ctx, partner, day.Add(-30*24*time.Hour), day)
			return err
		}},
		{"payments first page", func() error { _, err := d.svc.Payments(ctx, partner, domain.PaymentFilter{}, page); return err }},
		{"payments deep page", func() error {
			_, err := d.svc.Payments(ctx, partner, domain.PaymentFilter{}, deep(g.DeepPayment))
			return err
		}},
		{"payouts first page", func() error { _, err := d.svc.Payouts(ctx, partner, "", page); return err }},
		{"payouts deep page", func() error { _, err := d.svc.Payouts(ctx, partner, "", deep(g.DeepPayout)); return err }},
		{"orders first page", func() error { _, err := d.svc.Orders(ctx, partner, "", page); return err }},
		{"orders deep page", func() error { _, err := d.svc.Orders(ctx, partner, "", deep(g.DeepOrder)); return err }},
		{"events first page", func() error { _, err := d.svc.Events(ctx, partner, nil, page); return err }},
		{"events deep page", func() error { _, err := d.svc.Events(ctx, partner, nil, deep(g.DeepEvent)); return err }},
		{"account events first page", func() error { _, err := d.svc.Events(ctx, account, nil, page); return err }},
		{"account payments first page", func() error {
			_, err := d.svc.Payments(ctx, account, domain.PaymentFilter{}, page)
			return err
		}},
		{"ledgerEntries first page", func() error { _, err := d.svc.Statement(ctx, account, g.BusyAccountID, page); return err }},
		{"balances", func() error { _, err := d.svc.Balances(ctx, account, g.BusyAccountID); return err }},
		{"/metrics snapshot", func() error {
			if _, err := db.ReadOpsSnapshot(ctx, d.pool); err != nil {
				return err
			}
			return counter.CountJobs(ctx, func(string, string, int) {})
		}},
	}
	more, err := statementOps(ctx, d)
	return append(ops, more...), err
}

// writeRounds: payOrder is measured in rounds that alternate between the two databases, as the
// reads are. Its peak is the median round's; its p99 at 70% load is over every round's calls.
const writeRounds = 3

// measureWrites measures payOrder on both databases, at its peak through the store and then in
// an open loop at 70% of that round's peak, and then the incremental audit of what those
// payments changed on each. Each round starts after a checkpoint: a round is a few seconds of
// writes, and a checkpoint writing out the round before (or the seed) during it widens the
// spread between runs (before, on the 10M database's server, the empty database's p99 at 70%
// load moved between 26 and 197 ms from run to run).
func measureWrites(ctx context.Context, dbs [2]*grownDB, clients, payments int) ([2][]opResult, error) {
	var out [2][]opResult
	var orders [2][]string
	var payers [2]domain.Actor
	for i, d := range dbs {
		o, payer, _, err := seedBench(ctx, d.svc, benchScenario{fmt.Sprintf("grow-pay-%d", time.Now().Unix()), 50, 50}, 2*writeRounds*payments+200)
		if err != nil {
			return out, fmt.Errorf("seed payOrder: %w", err)
		}
		runReference(ctx, d.svc, payer, o[:200], clients) // warm-up
		orders[i], payers[i] = o[200:], payer
		// The seed's writes are vacuumed before they are measured on, as pgbench does.
		if err := db.Vacuum(ctx, d.pool); err != nil {
			return out, err
		}
	}
	var peaks [2][]benchResult
	var loaded [2][]time.Duration
	for range writeRounds {
		for i, d := range dbs {
			next := func() []string { o := orders[i][:payments]; orders[i] = orders[i][payments:]; return o }
			// Each round starts with the last one's writes, on either database, on disk.
			if err := db.Checkpoint(ctx, d.pool); err != nil {
				return out, err
			}
			peak := runReference(ctx, d.svc, payers[i], next(), clients)
			load := next()
			at70 := measure(payments, clients*4, 0.7*peak.rate, func(k int) bool { return payByStore(ctx, d.svc, payers[i], load[k]) })
			// A failed payment is quick: counted, it would flatter both figures.
			if n := peak.errors + at70.errors; n > 0 {
				return out, fmt.Errorf("payOrder on %s failed %d times", d.name, n)
			}
			peaks[i] = append(peaks[i], peak)
			loaded[i] = append(loaded[i], at70.latencies...)
		}
	}
	for i, d := range dbs {
		sort.Slice(loaded[i], func(a, b int) bool { return loaded[i][a] < loaded[i][b] })
		out[i] = append(out[i], opResult{name: "payOrder peak", rate: medianBy(peaks[i], byRate).rate},
			opResult{name: "payOrder p99 at 70% load", p50: percentile(loaded[i], 0.5), p99: percentile(loaded[i], 0.99)})
		// The hourly audit after those payments: what changed since the grow's checkpoint.
		r, err := timeOnce(func() error { return clean(d.svc.AuditIncremental(ctx)) })
		if err != nil {
			return out, fmt.Errorf("incremental audit: %w", err)
		}
		r.name = "incremental audit"
		out[i] = append(out[i], r)
	}
	return out, nil
}

// clean is an audit's outcome as an error: its own, or the violations it found, naming the first.
func clean(vs []domain.Violation, err error) error {
	if err == nil && len(vs) > 0 {
		err = fmt.Errorf("%d violations, first %s: %s", len(vs), vs[0].Check, vs[0].Detail)
	}
	return err
}

func timeOnce(do func() error) (opResult, error) {
	t0 := time.Now()
	err := do()
	d := time.Since(t0)
	return opResult{p50: d, p99: d}, err
}
