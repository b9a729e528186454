package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestChaos runs KJB as it runs in production (2 api and 2 worker processes on one
// PostgreSQL) under concurrent load while processes are killed with SIGKILL and restarted,
// PostgreSQL is stopped like a power cut once, and connections are dropped right after a
// COMMIT is sent. Then it drains and checks that nothing was lost or done twice. It owns its
// own cluster. Enable with KJB_CHAOS=1 (`make chaos`); KJB_CHAOS_DURATION sets the length.
func TestChaos(t *testing.T) {
	if os.Getenv("KJB_CHAOS") == "" {
		t.Skip("set KJB_CHAOS=1 (make chaos) to run the chaos test")
	}
	duration := 10 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("KJB_CHAOS_DURATION")); err == nil {
		duration = d
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, duration %s", seed, duration)
	rng := rand.New(rand.NewPCG(seed, seed>>1))
	c := newChaos(t, rng)
	c.run(duration)
}

type chaos struct {
	t        *testing.T
	rng      *rand.Rand
	rngMu    sync.Mutex
	pgDir    string
	pgURL    string // the cluster, direct
	dbURL    string // through the proxy
	direct   string // the kjb database, not through the proxy
	proxy    *commitDropper
	procs    []*chaosProc
	operator string
	partner  string
	accounts []chaosAccount

	ops, retries, kills, restarts, dbCrashes atomic.Int64
	mu                                       sync.Mutex
	acked                                    map[string]string   // payment id → order external id
	effects                                  map[string][]string // table → acknowledged ids (top_ups, conversions, refunds)
	onAck                                    func(sent, acked time.Time)
}

type chaosAccount struct{ id, key string }

type chaosProc struct {
	mu      sync.Mutex
	command string
	cmd     *exec.Cmd
	addr    string
}

func (c *chaos) intn(n int) int { c.rngMu.Lock(); defer c.rngMu.Unlock(); return c.rng.IntN(n) }

func newChaos(t *testing.T, rng *rand.Rand) *chaos {
	dir, err := os.MkdirTemp("", "kjb-chaos-")
	if err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(dir, 0o755) // the cluster runs as "postgres" when we are root
	c := &chaos{t: t, rng: rng, pgDir: dir, acked: map[string]string{}, effects: map[string][]string{}}
	t.Cleanup(func() {
		for _, p := range c.procs {
			p.kill()
		}
		c.pgScript("stop")
		_ = os.RemoveAll(dir)
	})
	out := c.pgScript("url")
	c.pgURL = strings.TrimSpace(out)
	cfg, err := pgx.ParseConfig(c.pgURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = conn.Exec(context.Background(), "CREATE DATABASE kjb_chaos")
	conn.Close(context.Background())
	c.proxy = startCommitDropper(t, fmt.Sprintf("%s:%d", cfg.Host, cfg.Port))
	c.dbURL = fmt.Sprintf("postgres://postgres@%s/kjb_chaos?sslmode=disable", c.proxy.addr)
	c.direct = fmt.Sprintf("postgres://postgres@%s:%d/kjb_chaos?sslmode=disable", cfg.Host, cfg.Port)
	c.bootstrap("api", "api", "worker", "worker")
	return c
}

// newHarness drives KJB processes on the database at url, killing them when the test ends.
func newHarness(t *testing.T, url string) *chaos {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	c := &chaos{t: t, rng: rand.New(rand.NewPCG(seed, seed>>1)), acked: map[string]string{}, effects: map[string][]string{},
		dbURL: url, direct: url}
	t.Cleanup(c.stopAll)
	return c
}

// bootstrap migrates the database, mints the operator key and starts the commands' processes.
func (c *chaos) bootstrap(commands ...string) {
	if out, code := c.kjb("migrate"); code != 0 {
		c.t.Fatalf("migrate: %s", out)
	}
	secret, code := c.kjb("apikey", "create", "--role", "OPERATOR")
	if code != 0 {
		c.t.Fatalf("apikey: %s", secret)
	}
	c.operator = strings.TrimSpace(secret)
	c.startAll(commands...)
}

func (c *chaos) startAll(commands ...string) {
	for _, cmd := range commands {
		p := &chaosProc{command: cmd}
		c.start(p)
		c.procs = append(c.procs, p)
	}
}

func (c *chaos) stopAll() {
	for _, p := range c.procs {
		p.kill()
	}
	c.procs = nil
}

// script runs scripts/name and returns what it printed, its log going to stderr.
func script(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command("../../scripts/"+name, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v", name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

func (c *chaos) pgScript(command string) string {
	cmd := exec.Command("../../scripts/postgres.sh", command)
	cmd.Env = append(os.Environ(), "KJB_PGDIR="+c.pgDir, "KJB_PGPORT=55400", "DATABASE_URL=")
	out, err := cmd.Output()
	if err != nil {
		c.t.Fatalf("postgres.sh %s: %v", command, err)
	}
	return string(out)
}

func (c *chaos) env() []string {
	return append(os.Environ(), "DATABASE_URL="+c.dbURL, "KJB_SANDBOX=true", "KJB_LOG_LEVEL=error", "KJB_RATE_LIMIT=0",
		"KJB_LISTEN=127.0.0.1:0", "KJB_METRICS_LISTEN=127.0.0.1:0", "KJB_ESCROW_HOLD=5s", "KJB_FX_SETTLEMENT_INTERVAL=2s",
		"KJB_JOB_TIMEOUT=10s", "KJB_RESCUE_STUCK_AFTER=15s", "KJB_AUDIT_INTERVAL=1m")
}

func (c *chaos) kjb(args ...string) (string, int) {
	cmd := exec.Command(binary, args...)
	cmd.Env = c.env()
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	}
	return string(out), 0
}

// start runs a process and, for an api, waits until it listens.
func (c *chaos) start(p *chaosProc) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cmd := exec.Command(binary, p.command)
	cmd.Env = append(c.env(), "KJB_LOG_LEVEL=info") // "api listening" carries the address
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	p.cmd, p.addr = cmd, ""
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "api listening" {
				addr <- line.Addr
			}
		}
		_ = cmd.Wait()
	}()
	if p.command == "api" {
		select {
		case a := <-addr:
			p.addr = a
		case <-time.After(60 * time.Second):
			c.t.Fatal("an api did not start")
		}
	}
}

func (p *chaosProc) kill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && p.cmd.Process != nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
	}
	p.addr = ""
}

func (c *chaos) apiAddrs() []string {
	var out []string
	for _, p := range c.procs {
		p.mu.Lock()
		if p.command == "api" && p.addr != "" {
			out = append(out, p.addr)
		}
		p.mu.Unlock()
	}
	return out
}

// call posts an operation to a live api, retrying on transport errors and INTERNAL (the same
// request, so the same idempotency key) until it gets a definitive answer.
func (c *chaos) call(key, query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	deadline := time.Now().Add(3 * time.Minute)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			c.retries.Add(1)
			time.Sleep(time.Duration(100+c.intn(300)) * time.Millisecond)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no definitive answer after %d attempts", attempt)
		}
		addrs := c.apiAddrs()
		if len(addrs) == 0 {
			continue
		}
		start := time.Now()
		req, _ := http.NewRequest(http.MethodPost, "http://"+addrs[c.intn(len(addrs))]+"/query", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
		if err != nil {
			continue
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var out struct {
			Data   map[string]any
			Errors []struct{ Extensions map[string]any }
		}
		if json.Unmarshal(raw, &out) != nil {
			continue
		}
		if len(out.Errors) > 0 {
			if code, _ := out.Errors[0].Extensions["code"].(string); code == "INTERNAL" || res.StatusCode >= 500 {
				continue
			}
			return nil, fmt.Errorf("%s", raw)
		}
		c.ops.Add(1)
		if c.onAck != nil {
			c.onAck(start, time.Now())
		}
		return out.Data, nil
	}
}

func (c *chaos) must(key, field, query string, input map[string]any) map[string]any {
	d, err := c.call(key, query, map[string]any{"input": input})
	if err != nil {
		c.t.Fatalf("%s: %v", field, err)
	}
	p, _ := d[field].(map[string]any)
	if ues, _ := p["userErrors"].([]any); len(ues) > 0 {
		c.t.Fatalf("%s: %v", field, ues)
	}
	return p
}

func str(v any, path ...string) string {
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

func (c *chaos) seed() {
	p := c.must(c.operator, "createPartner", `mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } userErrors { code } } }`,
		map[string]any{"code": "1688", "name": "1688.com"})
	k := c.must(c.operator, "createApiKey", `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }`,
		map[string]any{"role": "PARTNER", "partnerId": str(p, "partner", "id")})
	c.partner = str(k, "secret")
	for i, acct := range []string{"8881", "0002", "0003", "8882"} {
		c.must(c.partner, "upsertSupplier", `mutation($input: UpsertSupplierInput!) { upsertSupplier(input: $input) { supplier { id } userErrors { code } } }`,
			map[string]any{"supplierId": fmt.Sprint("s", i), "name": "S", "acceptsCrossBorderPay": true, "payoutAccount": "622202020011" + acct})
	}
	for i := range 4 {
		a := c.must(c.operator, "createAccount", `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } userErrors { code } } }`,
			map[string]any{"name": fmt.Sprint("Buyer ", i), "type": "CORPORATE", "country": "GB"})
		id := str(a, "account", "id")
		c.must(c.operator, "reviewKyc", `mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { account { id } userErrors { code } } }`,
			map[string]any{"accountId": id, "decision": "APPROVE"})
		key := str(c.must(c.operator, "createApiKey", `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret userErrors { code } } }`,
			map[string]any{"role": "ACCOUNT", "accountId": id}), "secret")
		c.must(c.partner, "upsertMarketplaceMember", `mutation($input: UpsertMarketplaceMemberInput!) { upsertMarketplaceMember(input: $input) { member { id } userErrors { code } } }`,
			map[string]any{"memberId": fmt.Sprint("m", i), "type": "CORPORATE", "alipayVerified": true, "authorized": true, "mainlandAlipayLinked": true, "alipayInternationalLinked": false})
		l := c.must(key, "linkMarketplaceAccount", `mutation($input: LinkMarketplaceAccountInput!) { linkMarketplaceAccount(input: $input) { link { id } userErrors { code } } }`,
			map[string]any{"accountId": id, "platform": "1688", "memberId": fmt.Sprint("m", i)})
		c.must(key, "confirmMarketplaceLink", `mutation($input: ConfirmMarketplaceLinkInput!) { confirmMarketplaceLink(input: $input) { link { id } userErrors { code } } }`,
			map[string]any{"linkId": str(l, "link", "id"), "code": c.linkCode(str(l, "link", "id"))})
		c.must(key, "activateCrossBorderPay", `mutation($input: ActivateCrossBorderPayInput!) { activateCrossBorderPay(input: $input) { link { id } userErrors { code } } }`,
			map[string]any{"linkId": str(l, "link", "id")})
		c.accounts = append(c.accounts, chaosAccount{id, key})
	}
}

var opCounter atomic.Int64

// operate runs one random business operation to its definitive end.
func (c *chaos) operate() {
	n := opCounter.Add(1)
	i := c.intn(len(c.accounts))
	a := c.accounts[i]
	switch r := c.intn(10); {
	case r < 2: // top-up, idempotent on its reference
		cur := []string{"CNH", "USD"}[c.intn(2)]
		d, err := c.call(c.operator, `mutation($input: TopUpInput!) { topUp(input: $input) { topUp { id } userErrors { code } } }`,
			map[string]any{"input": map[string]any{"accountId": a.id, "amount": map[string]any{"amount": "5000.00", "currency": cur}, "reference": fmt.Sprint("t", n)}})
		c.effect(err, "top_ups", d, "topUp", "topUp", "id")
	case r < 4: // a quote and its conversion
		d, err := c.call(a.key, `mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id } userErrors { code } } }`,
			map[string]any{"input": map[string]any{"accountId": a.id, "sellCurrency": "USD", "buyCurrency": "CNH", "sellAmount": map[string]any{"amount": "10.00", "currency": "USD"}}})
		if q := str(d, "createQuote", "quote", "id"); err == nil && q != "" {
			d, err := c.call(a.key, `mutation($input: ExecuteQuoteInput!) { executeQuote(input: $input) { conversion { id } userErrors { code } } }`,
				map[string]any{"input": map[string]any{"quoteId": q, "idempotencyKey": fmt.Sprint("x", n)}})
			c.effect(err, "conversions", d, "executeQuote", "conversion", "id")
		}
	default: // an order, paid, then maybe confirmed or partly refunded
		ext := fmt.Sprint("o", n)
		d, err := c.call(c.partner, `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { code } } }`,
			map[string]any{"input": map[string]any{"externalId": ext, "buyerMemberId": fmt.Sprint("m", i), "supplierId": fmt.Sprint("s", c.intn(4)),
				"amount": map[string]any{"amount": "1200.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}})
		oid := str(d, "createOrder", "order", "id")
		if err != nil || oid == "" {
			return
		}
		in := map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": "p" + ext}
		if c.intn(4) == 0 {
			in["method"], in["payCurrency"], in["buyerIpCountry"] = "WORLDFIRST_BALANCE", "USD", "GB"
		}
		d, err = c.call(a.key, `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id } userErrors { code } } }`, map[string]any{"input": in})
		pid := str(d, "payOrder", "payment", "id")
		if err != nil || pid == "" {
			return
		}
		c.mu.Lock()
		c.acked[pid] = ext
		c.mu.Unlock()
		switch c.intn(3) {
		case 0:
			_, _ = c.call(c.partner, `mutation($input: ConfirmReceiptInput!) { confirmReceipt(input: $input) { order { id } userErrors { code } } }`,
				map[string]any{"input": map[string]any{"orderId": oid}})
		case 1:
			d, err := c.call(c.partner, `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { refund { id } userErrors { code } } }`,
				map[string]any{"input": map[string]any{"orderId": oid, "amount": map[string]any{"amount": "100.00", "currency": "CNY"}, "idempotencyKey": "r" + ext}})
			c.effect(err, "refunds", d, "refundOrder", "refund", "id")
		}
	}
}

// effect remembers an acknowledged top-up, conversion or refund by its id.
func (c *chaos) effect(err error, table string, d map[string]any, path ...string) {
	if id := str(d, path...); err == nil && id != "" {
		c.mu.Lock()
		c.effects[table] = append(c.effects[table], id)
		c.mu.Unlock()
	}
}

func (c *chaos) run(duration time.Duration) {
	c.seed()
	for _, a := range c.accounts {
		for _, cur := range []string{"CNH", "USD"} {
			c.must(c.operator, "topUp", `mutation($input: TopUpInput!) { topUp(input: $input) { topUp { id } userErrors { code } } }`,
				map[string]any{"accountId": a.id, "amount": map[string]any{"amount": "10000000.00", "currency": cur}, "reference": "opening-" + cur})
		}
	}
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				c.operate()
			}
		}()
	}
	crashAt := time.Now().Add(duration / 3)
	crashed := false
	for time.Now().Before(stop) {
		time.Sleep(time.Duration(2000+c.intn(3000)) * time.Millisecond)
		switch {
		case !crashed && time.Now().After(crashAt):
			crashed = true
			c.pgScript("crash")
			c.dbCrashes.Add(1)
			time.Sleep(2 * time.Second)
			c.pgScript("url")
		case c.intn(3) == 0:
			c.proxy.arm() // the next COMMIT's answer never reaches its client
		default:
			p := c.procs[c.intn(len(c.procs))]
			p.kill()
			c.kills.Add(1)
			time.Sleep(time.Duration(500+c.intn(1500)) * time.Millisecond)
			c.start(p)
			c.restarts.Add(1)
		}
	}
	wg.Wait()
	c.checkAfterDrain()
}

// linkCode reads the code the sandbox marketplace delivered for a link (by its global id).
func (c *chaos) linkCode(linkID string) string {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.dbURL)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close(ctx)
	raw, _ := base64.RawURLEncoding.DecodeString(linkID)
	_, id, _ := strings.Cut(string(raw), ":")
	var code string
	if err := conn.QueryRow(ctx, `SELECT code FROM sandbox_link_codes WHERE link_id = $1`, id).Scan(&code); err != nil {
		c.t.Fatalf("link code: %v", err)
	}
	return code
}

// checkAfterDrain waits for the backlog to finish, then checks every invariant.
func (c *chaos) checkAfterDrain() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, c.direct)
	if err != nil {
		c.t.Fatal(err)
	}
	defer conn.Close(ctx)
	count := func(sql string) int {
		var n int
		if err := conn.QueryRow(ctx, sql).Scan(&n); err != nil {
			c.t.Fatalf("%s: %v", sql, err)
		}
		return n
	}
	deadline := time.Now().Add(5 * time.Minute)
	for {
		busy := count(`SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable')
			OR (state = 'scheduled' AND kind <> 'escrow.release' AND scheduled_at < now() + interval '1 minute')`) +
			count(`SELECT count(*) FROM payments WHERE escrow_status = 'HELD' AND created_at < now() - interval '10 seconds'`) +
			count(`SELECT count(*) FROM payouts WHERE status IN ('PENDING', 'SUBMITTED')`) +
			count(`SELECT count(*) FROM conversions WHERE status = 'BOOKED' AND created_at < now() - interval '10 seconds'`)
		if busy == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.t.Errorf("not drained after 5 minutes: %d items still in flight", busy)
			break
		}
		time.Sleep(time.Second)
	}
	violations := 0
	fail := func(format string, args ...any) { violations++; c.t.Errorf(format, args...) }
	if out, code := c.kjb("audit"); code != 0 {
		fail("kjb audit: %s", out)
	}
	// Per currency: customer balances = what the house books owe them, as the ledger says.
	rows, err := conn.Query(ctx, `SELECT cur, bal, house FROM (
		SELECT coalesce(b.currency, h.currency) AS cur, coalesce(b.total, 0) AS bal, coalesce(h.total, 0) AS house
		FROM (SELECT currency, sum(available) AS total FROM balances GROUP BY currency) b
		FULL JOIN (SELECT currency, -sum(amount) AS total FROM ledger_entries WHERE book <> 'CUSTOMER' GROUP BY currency) h
			ON h.currency = b.currency) x WHERE bal <> house`)
	if err != nil {
		c.t.Fatal(err)
	}
	for rows.Next() {
		var cur, bal, house string
		_ = rows.Scan(&cur, &bal, &house)
		fail("%s: balances %s, house books %s", cur, bal, house)
	}
	rows.Close()
	if n := count(`SELECT count(*) FROM balances WHERE available < 0`); n > 0 {
		fail("%d negative balances", n)
	}
	c.mu.Lock()
	ids := make([]string, 0, len(c.acked))
	for id := range c.acked {
		ids = append(ids, id)
	}
	c.mu.Unlock()
	for _, gid := range ids {
		raw := rawPaymentID(gid)
		var n int
		_ = conn.QueryRow(ctx, `SELECT count(*) FROM payments WHERE id = $1`, raw).Scan(&n)
		if n != 1 {
			fail("acknowledged payment %s exists %d times", gid, n)
		}
	}
	c.mu.Lock()
	effects := 0
	for table, gids := range c.effects {
		for _, gid := range gids {
			effects++
			var n int
			_ = conn.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE id = $1`, rawID(gid)).Scan(&n)
			if n != 1 {
				fail("acknowledged %s %s exists %d times", table, gid, n)
			}
		}
	}
	c.mu.Unlock()
	if n := count(`SELECT count(*) FROM (SELECT order_id FROM payments GROUP BY order_id HAVING count(*) > 1) x`); n > 0 {
		fail("%d orders paid twice", n)
	}
	if n := count(`SELECT count(*) FROM payments p WHERE p.escrow_status = 'RELEASED' AND (SELECT count(*) FROM payouts o WHERE o.payment_id = p.id) <> 1`); n > 0 {
		fail("%d released escrows without exactly one payout", n)
	}
	if n := count(`SELECT count(*) FROM payouts o WHERE (o.status = 'PAID') <> EXISTS (SELECT 1 FROM sandbox_rail_transfers r WHERE r.payout_id = o.id AND r.status = 'PAID')`); n > 0 {
		fail("%d payouts disagree with the rail", n)
	}
	if n := count(`SELECT count(*) FROM river_job WHERE state IN ('available', 'running', 'retryable')`); n > 0 {
		fail("%d jobs left unfinished", n)
	}
	var dropped int64
	if c.proxy != nil {
		dropped = c.proxy.dropped.Load()
	}
	c.t.Logf("summary: operations %d, retries %d, process kills %d, restarts %d, database crashes %d, dropped-after-COMMIT %d, "+
		"acknowledged payments %d, other acknowledged effects %d, payouts paid %d, failed %d, invariant violations %d",
		c.ops.Load(), c.retries.Load(), c.kills.Load(), c.restarts.Load(), c.dbCrashes.Load(), dropped,
		len(ids), effects, count(`SELECT count(*) FROM payouts WHERE status = 'PAID'`), count(`SELECT count(*) FROM payouts WHERE status = 'FAILED'`), violations)
}

// rawID is the row id inside a global id ("Type:uuid", base64).
func rawID(gid string) string {
	b, err := base64RawURL(gid)
	if err != nil {
		return gid
	}
	if _, id, ok := strings.Cut(b, ":"); ok {
		return id
	}
	return b
}

func rawPaymentID(gid string) string {
	b, err := base64RawURL(gid)
	if err != nil {
		return gid
	}
	return strings.TrimPrefix(b, "Payment:")
}

// commitDropper is a TCP proxy to PostgreSQL that, when armed, forwards the next COMMIT and
// then cuts that client's connection before the answer comes back: the client sees an error
// for a transaction that committed, and must retry with the same idempotency key.
type commitDropper struct {
	addr    string
	armed   atomic.Bool
	dropped atomic.Int64
}

func startCommitDropper(t *testing.T, target string) *commitDropper {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &commitDropper{addr: ln.Addr().String()}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go d.serve(client, target)
		}
	}()
	return d
}

func (d *commitDropper) arm() { d.armed.Store(true) }

func (d *commitDropper) serve(client net.Conn, target string) {
	server, err := net.Dial("tcp", target)
	if err != nil {
		client.Close()
		return
	}
	done := func() { client.Close(); server.Close() }
	go func() { _, _ = io.Copy(client, server); done() }()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if _, werr := server.Write(chunk); werr != nil {
				done()
				return
			}
			if bytes.Contains(chunk, []byte("COMMIT\x00")) && d.armed.CompareAndSwap(true, false) {
				d.dropped.Add(1)
				time.Sleep(50 * time.Millisecond) // let the server commit, then lose the answer
				done()
				return
			}
		}
		if err != nil {
			done()
			return
		}
	}
}

func base64RawURL(s string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return string(b), err
}
