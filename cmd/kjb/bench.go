package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	"github.com/kjb/kjb/worker"
)

// benchScenario is one shape of load.
type benchScenario struct {
	name      string
	suppliers int
	buyers    int
}

// cmdBench pays orders through the GraphQL API over HTTP with concurrent clients, on a
// database it creates (and drops), and prints throughput and latency per scenario.
func cmdBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	clients := fs.Int("clients", 16, "concurrent HTTP clients")
	payments := fs.Int("payments", 3000, "payments per scenario (after 200 warm-up payments)")
	keep := fs.Bool("keep", false, "keep the benchmark database")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(os.Getenv, false)
	if err != nil {
		return err
	}
	log := slog.New(slog.DiscardHandler)
	dbURL, dbName, err := benchDatabaseURL(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if err := db.EnsureDatabase(ctx, dbURL); err != nil {
		return err
	}
	if !*keep {
		defer dropDatabase(cfg.DatabaseURL, dbName)
	}
	pool, err := db.Open(ctx, db.PoolConfig{URL: dbURL, MaxConns: int32(cfg.DBMaxConns), AppName: "kjb-bench"})
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := db.Migrate(ctx, pool); err != nil {
		return err
	}
	if err := worker.Migrate(ctx, pool); err != nil {
		return err
	}
	rc, err := worker.NewInsertClient(pool, log)
	if err != nil {
		return err
	}
	svc := domain.NewService(db.NewStore(pool, worker.Enqueue(rc)), domain.SystemClock{}, domain.Config{Sandbox: true})
	sc := graph.DefaultServerConfig()
	sc.Sandbox, sc.RatePerSecond, sc.Logger = true, 0, log
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: graph.NewHandler(svc, sc), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck
	defer srv.Close()
	endpoint := "http://" + ln.Addr().String() + "/query"

	fmt.Printf("kjb bench: %d clients, %d payments per scenario, pool %d, database %s\n\n", *clients, *payments, cfg.DBMaxConns, dbName)
	fmt.Printf("%-8s %10s %10s %9s %9s %9s %7s\n", "scenario", "suppliers", "payments/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	results := map[string]benchResult{}
	for _, sc := range []benchScenario{{"spread", 1000, 1000}, {"hot", 1, 10}} {
		orders, key, err := seedBench(ctx, svc, sc, *payments+200)
		if err != nil {
			return fmt.Errorf("seed %s: %w", sc.name, err)
		}
		runPayments(endpoint, key, orders[:200], *clients) // warm-up
		r := runPayments(endpoint, key, orders[200:], *clients)
		results[sc.name] = r
		fmt.Printf("%-8s %10d %10.0f %9.1f %9.1f %9.1f %7d\n", sc.name, sc.suppliers, r.rate, ms(r.p50), ms(r.p95), ms(r.p99), r.errors)
	}
	fmt.Printf("\nhot ÷ spread = %.2f\n", results["hot"].rate/results["spread"].rate)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func benchDatabaseURL(server string) (string, string, error) {
	cfg, err := pgx.ParseConfig(server)
	if err != nil {
		return "", "", err
	}
	name := fmt.Sprintf("kjb_bench_%d", time.Now().Unix())
	u := fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
	if cfg.Password != "" {
		u = fmt.Sprintf("postgres://%s:%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Password, cfg.Host, cfg.Port, name)
	}
	return u, name, nil
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

// seedBench creates a partner, its suppliers and buyers (verified, linked, Cross-border Pay
// active, funded) and n orders spread over them; it returns the orders' ids and a partner key.
func seedBench(ctx context.Context, svc *domain.Service, sc benchScenario, n int) ([]string, string, error) {
	p, err := svc.CreatePartner(ctx, system, "bench-"+sc.name, "Bench "+sc.name)
	if err != nil {
		return nil, "", err
	}
	_, key, err := svc.CreateAPIKey(ctx, system, domain.CreateAPIKeyInput{Role: domain.RolePartner, PartnerID: p.ID})
	if err != nil {
		return nil, "", err
	}
	partner := domain.Actor{Role: domain.RolePartner, PartnerID: p.ID, KeyID: "bench"}
	err = parallel(sc.suppliers, func(i int) error {
		_, err := svc.UpsertSupplier(ctx, partner, domain.UpsertSupplierInput{SupplierID: fmt.Sprint("s", i), Name: fmt.Sprint("Supplier ", i),
			AcceptsCrossBorderPay: true, PayoutAccount: fmt.Sprintf("62220202%08d", i)})
		return err
	})
	if err != nil {
		return nil, "", err
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
		if _, err := svc.ActivateCrossBorderPay(ctx, system, l.ID); err != nil {
			return err
		}
		_, _, err = svc.TopUp(ctx, system, domain.TopUpInput{AccountID: a.ID, Amount: "10000000.00", Currency: "CNH", Reference: "bench"})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	orders := make([]string, n)
	err = parallel(n, func(i int) error {
		o, err := svc.CreateOrder(ctx, partner, domain.CreateOrderInput{ExternalID: fmt.Sprint("o", i), BuyerMemberID: fmt.Sprint("m", i%sc.buyers),
			SupplierID: fmt.Sprint("s", i%sc.suppliers), Amount: "100.00", Currency: "CNY", TradeMode: domain.TradeSecured})
		orders[i] = graph.OrderGlobalID(o.ID)
		return err
	})
	return orders, key, err
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

type benchResult struct {
	rate          float64
	p50, p95, p99 time.Duration
	errors        int
}

const payMutation = `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id } userErrors { code } } }`

// runPayments pays every order once with `clients` concurrent HTTP clients.
func runPayments(endpoint, key string, orders []string, clients int) benchResult {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	lat := make([]time.Duration, len(orders))
	var next atomic.Int64
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < len(orders); i = int(next.Add(1)) - 1 {
				body, _ := json.Marshal(map[string]any{"query": payMutation, "variables": map[string]any{"input": map[string]any{
					"orderId": orders[i], "method": "WORLD_PAY", "idempotencyKey": "bench-" + orders[i]}}})
				t0 := time.Now()
				ok := postPayment(hc, endpoint, key, body)
				lat[i] = time.Since(t0)
				if !ok {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return benchResult{rate: float64(len(orders)) / elapsed.Seconds(), p50: pct(0.50), p95: pct(0.95), p99: pct(0.99), errors: int(errs.Load())}
}

func postPayment(hc *http.Client, endpoint, key string, body []byte) bool {
	req, _ := http.NewRequest(http.MethodPost, endpoint, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := hc.Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var out struct {
		Data struct {
			PayOrder struct {
				Payment    *struct{ ID string }
				UserErrors []struct{ Code string }
			}
		}
		Errors []any
	}
	raw, _ := io.ReadAll(res.Body)
	return json.Unmarshal(raw, &out) == nil && len(out.Errors) == 0 && out.Data.PayOrder.Payment != nil
}
