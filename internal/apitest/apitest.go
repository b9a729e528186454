// Package apitest runs the real KJB stack for tests: a fresh PostgreSQL database, the store,
// the rules, River (inserting jobs) and the GraphQL API over real HTTP (httptest).
package apitest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	"github.com/kjb/kjb/internal/testdb"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/sandboxlink"
	"github.com/kjb/kjb/sandboxliquidity"
	"github.com/kjb/kjb/sandboxrail"
	"github.com/kjb/kjb/secretbox"
	"github.com/kjb/kjb/telemetry"
	"github.com/kjb/kjb/worker"
)

// Env is one test's running API.
type Env struct {
	T        testing.TB
	Pool     *pgxpool.Pool
	DBURL    string
	Svc      *domain.Service
	Server   *httptest.Server
	Operator string // an operator key's secret

	serverConfig graph.ServerConfig
	hubsMu       sync.Mutex
	hubs         map[string]*graph.Hub // by server URL
}

// Options adjust the stack.
type Options struct {
	Server func(*graph.ServerConfig)
	Domain func(*domain.Config)
	Clock  domain.Clock
	// SandboxClock uses the clock kept in Postgres (setSandboxClock moves it).
	SandboxClock bool
	// Log receives the API's JSON log lines (discarded when nil).
	Log io.Writer
	// Replica sends dashboard reads to a second, separate database.
	Replica bool
}

// Clock is a clock tests move by hand.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock starts at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// New starts the stack with sandbox mode on and an operator key.
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	tdb := testdb.New(t)
	rc, err := worker.NewInsertClient(tdb.Pool, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	store := db.NewStore(tdb.Pool, worker.Enqueue(rc))
	store.SealSecretsWith(TestKeyring)
	for _, o := range opts {
		if o.Replica {
			store.ReadFrom(testdb.New(t).Pool)
		}
	}
	dc := domain.Config{Sandbox: true, LinkCodes: sandboxlink.Sender{Pool: tdb.Pool}}
	var clock domain.Clock = domain.SystemClock{}
	for _, o := range opts {
		if o.Domain != nil {
			o.Domain(&dc)
		}
		if o.Clock != nil {
			clock = o.Clock
		}
		if o.SandboxClock {
			clock = db.NewSandboxClock(tdb.Pool, time.Second)
		}
	}
	svc := domain.NewService(store, clock, dc)
	sc := graph.DefaultServerConfig()
	sc.Sandbox = true
	sc.RatePerSecond = 0
	sc.Logger = slog.New(slog.DiscardHandler)
	metrics := telemetry.New()
	metrics.WatchDatabase(tdb.Pool, worker.JobCounter{Pool: tdb.Pool})
	svc.Observe(metrics)
	svc.ManageJobs(worker.JobAdmin{Client: rc})
	sc.Observer, sc.Metrics = metrics, metrics.Handler()
	sc.Ready = func(ctx context.Context) error { return tdb.Pool.Ping(ctx) }
	for _, o := range opts {
		if o.Server != nil {
			o.Server(&sc)
		}
		if o.Log != nil {
			sc.Logger = slog.New(slog.NewJSONHandler(o.Log, nil))
		}
	}
	e := &Env{T: t, Pool: tdb.Pool, DBURL: tdb.URL, Svc: svc, serverConfig: sc}
	srv := e.NewAPIServer()
	_, secret, err := svc.CreateAPIKey(context.Background(), domain.Actor{Role: domain.RoleOperator, KeyID: "test"},
		domain.CreateAPIKeyInput{Role: domain.RoleOperator, Label: "test operator"})
	if err != nil {
		t.Fatal(err)
	}
	e.Server, e.Operator = srv, secret
	return e
}

// TestKeyring seals the webhook secrets of test environments.
var TestKeyring = func() *secretbox.Keyring {
	k, err := secretbox.Parse("test:" + base64.StdEncoding.EncodeToString([]byte("kjb-test-webhook-secrets-key-32b")))
	if err != nil {
		panic(err)
	}
	return k
}()

// NewAPIServer starts another API server on the same database, with its own subscription hub
// fed by its own Postgres listener: what a second `kjb api` process is.
func (e *Env) NewAPIServer() *httptest.Server {
	sc := e.serverConfig
	sc.Hub = graph.NewHub()
	ctx, cancel := context.WithCancel(context.Background())
	go db.ListenEvents(ctx, e.Pool, sc.Hub.Publish, func(error) {})
	srv := httptest.NewServer(graph.NewHandler(e.Svc, sc))
	e.T.Cleanup(func() { cancel(); srv.Close() })
	e.hubsMu.Lock()
	if e.hubs == nil {
		e.hubs = map[string]*graph.Hub{}
	}
	e.hubs[srv.URL] = sc.Hub
	e.hubsMu.Unlock()
	return srv
}

// WaitSubscribers waits until srv has n live subscriptions, so a test's first event cannot
// race the subscription's registration.
func (e *Env) WaitSubscribers(srv *httptest.Server, n int) {
	e.T.Helper()
	e.hubsMu.Lock()
	hub := e.hubs[srv.URL]
	e.hubsMu.Unlock()
	wait.For(e.T, 30*time.Second, func() error {
		if got := hub.Subscribers(); got < n {
			return fmt.Errorf("%d of %d subscriptions registered", got, n)
		}
		return nil
	})
}

// Response is a GraphQL response.
type Response struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	}
	Raw string
}

// Code returns the first top-level error's extensions.code ("" when none).
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Do posts a GraphQL request with key as the bearer secret ("" for none).
func (e *Env) Do(key, query string, vars map[string]any) Response {
	e.T.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return e.Post(key, body)
}

// DoAt is Do against another API server (base URL) on the same database.
func (e *Env) DoAt(base, key, query string, vars map[string]any) Response {
	e.T.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return e.postAt(base, key, body)
}

// Post sends a raw body to /query.
func (e *Env) Post(key string, body []byte) Response {
	e.T.Helper()
	return e.postAt(e.Server.URL, key, body)
}

func (e *Env) postAt(base, key string, body []byte) Response {
	e.T.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/query", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	res, err := e.Server.Client().Do(req)
	if err != nil {
		e.T.Fatalf("POST /query: %v", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := Response{Status: res.StatusCode, Raw: string(raw)}
	if err := json.Unmarshal(raw, &out); err != nil {
		e.T.Fatalf("response is not JSON (%d): %.300s", res.StatusCode, raw)
	}
	return out
}

// MustData fails the test on any top-level error and returns the data.
func (e *Env) MustData(key, query string, vars map[string]any) map[string]any {
	e.T.Helper()
	r := e.Do(key, query, vars)
	if len(r.Errors) > 0 || r.Data == nil {
		e.T.Fatalf("unexpected errors: %s", r.Raw)
	}
	return r.Data
}

// Mutate runs a mutation and returns its payload, failing on top-level errors.
func (e *Env) Mutate(key, field, query string, input map[string]any) map[string]any {
	e.T.Helper()
	return Get(e.MustData(key, query, map[string]any{"input": input}), field).(map[string]any)
}

// MustSucceed runs a mutation and fails the test on any user error.
func (e *Env) MustSucceed(key, field, query string, input map[string]any) map[string]any {
	e.T.Helper()
	p := e.Mutate(key, field, query, input)
	if ues, _ := p["userErrors"].([]any); len(ues) > 0 {
		e.T.Fatalf("%s: unexpected user errors: %v", field, ues)
	}
	return p
}

// Get walks a decoded JSON value by keys ("a", "b") and list indexes (0).
func Get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// Str is Get for a string.
func Str(v any, path ...any) string {
	s, _ := Get(v, path...).(string)
	return s
}

// UserErrorCodes lists the codes of a payload's userErrors.
func UserErrorCodes(payload map[string]any) []string {
	var out []string
	for _, ue := range payload["userErrors"].([]any) {
		out = append(out, ue.(map[string]any)["code"].(string))
	}
	return out
}

// Audit runs the ledger audit and fails the test on any violation.
func (e *Env) Audit() {
	e.T.Helper()
	vs, err := e.Svc.Audit(context.Background())
	if err != nil {
		e.T.Fatal(err)
	}
	for _, v := range vs {
		e.T.Errorf("ledger violation: %s: %s", v.Check, v.Detail)
	}
}

// Count returns a single integer from SQL (for checking what changed).
func (e *Env) Count(sql string, args ...any) int {
	e.T.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.T.Fatalf("%s: %v", sql, err)
	}
	return n
}

// unsnapshotted are the tables whose rows are not business state: migration bookkeeping and
// River's leader election, which moves on its own while workers run.
var unsnapshotted = []string{"kjb_schema_migrations", "river_leader", "river_migration"}

// Snapshot captures every table of the database's schema (row count and a digest of the rows),
// so comparing two snapshots shows whether a request changed anything. Tables are read from
// the catalog: a table added by a migration is covered without a change here.
func (e *Env) Snapshot() string {
	e.T.Helper()
	ctx := context.Background()
	// A key's last_used_at records that it was used, refused or not: not business state.
	rows, err := e.Pool.Query(ctx, `SELECT format($f$SELECT %L || ' ' || count(*) || ' ' || coalesce(md5(string_agg((to_jsonb(t) - 'last_used_at')::text, ',' ORDER BY (to_jsonb(t) - 'last_used_at')::text)), '') FROM %I t$f$, tablename, tablename)
		FROM pg_tables WHERE schemaname = current_schema() AND NOT tablename = ANY($1) ORDER BY tablename`, unsnapshotted)
	if err != nil {
		e.T.Fatal(err)
	}
	selects, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(selects) == 0 {
		e.T.Fatalf("list tables: %d, %v", len(selects), err)
	}
	var s string
	if err := e.Pool.QueryRow(ctx, `SELECT concat_ws(E'\n', (`+strings.Join(selects, "), (")+`))`).Scan(&s); err != nil {
		e.T.Fatal(err)
	}
	return s
}

// Fixture mutations shared by tests.
const (
	CreateAccount = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id kycStatus } userErrors { code field message } } }`
	ReviewKyc     = `mutation($input: ReviewKycInput!) { reviewKyc(input: $input) { account { id kycStatus } userErrors { code field message } } }`
	CreateKey     = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id role hint } secret userErrors { code field message } } }`
	CreatePartner = `mutation($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id code } userErrors { code field message } } }`
	TopUp         = `mutation($input: TopUpInput!) { topUp(input: $input) { topUp { id amount { amount currency } reference } account { id } userErrors { code field message } } }`
)

// Account creates a verified account and an ACCOUNT key for it; returns (id, secret).
func (e *Env) Account(name string) (id, key string) {
	e.T.Helper()
	p := e.MustSucceed(e.Operator, "createAccount", CreateAccount, map[string]any{"name": name, "type": "CORPORATE", "country": "GB"})
	id = Str(p, "account", "id")
	e.MustSucceed(e.Operator, "reviewKyc", ReviewKyc, map[string]any{"accountId": id, "decision": "APPROVE"})
	k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "ACCOUNT", "accountId": id})
	return id, Str(k, "secret")
}

// Fund tops an account up.
func (e *Env) Fund(accountID, amount, currency string) {
	e.T.Helper()
	e.MustSucceed(e.Operator, "topUp", TopUp, map[string]any{"accountId": accountID,
		"amount": map[string]any{"amount": amount, "currency": currency}, "reference": fmt.Sprintf("fund-%s-%s-%s", accountID, amount, currency)})
}

// Marketplace fixture mutations.
const (
	UpsertMember   = `mutation($input: UpsertMarketplaceMemberInput!) { upsertMarketplaceMember(input: $input) { member { id externalId link { id } } userErrors { code field message } } }`
	UpsertSupplier = `mutation($input: UpsertSupplierInput!) { upsertSupplier(input: $input) { supplier { id externalId payoutAccount } userErrors { code field message } } }`
	Link           = `mutation($input: LinkMarketplaceAccountInput!) { linkMarketplaceAccount(input: $input) { link { id status memberId crossBorderPayActive account { id } } userErrors { code field message } } }`
	Unlink         = `mutation($input: UnlinkMarketplaceAccountInput!) { unlinkMarketplaceAccount(input: $input) { link { id status unlinkedAt crossBorderPayActive } userErrors { code field message } } }`
	Activate       = `mutation($input: ActivateCrossBorderPayInput!) { activateCrossBorderPay(input: $input) { link { id crossBorderPayActive account { crossBorderPayActive } } userErrors { code field message } } }`
	CreateOrder    = `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id externalId status amount { amount currency } supplier { externalId payoutAccount } } userErrors { code field message } } }`
	CancelOrder    = `mutation($input: CancelOrderInput!) { cancelOrder(input: $input) { order { id status } userErrors { code field message } } }`
)

// Partner creates a partner and a PARTNER key for it; returns (id, secret).
func (e *Env) Partner(code string) (id, key string) {
	e.T.Helper()
	p := e.MustSucceed(e.Operator, "createPartner", CreatePartner, map[string]any{"code": code, "name": "Partner " + code})
	id = Str(p, "partner", "id")
	k := e.MustSucceed(e.Operator, "createApiKey", CreateKey, map[string]any{"role": "PARTNER", "partnerId": id})
	return id, Str(k, "secret")
}

// GoodMember is a member that passes every linking rule and can pay with Cross-border Pay.
func GoodMember(memberID string) map[string]any {
	return map[string]any{"memberId": memberID, "type": "CORPORATE", "alipayVerified": true, "authorized": true,
		"mainlandAlipayLinked": true, "alipayInternationalLinked": false}
}

// Member registers a member with the partner key; fields override GoodMember's.
func (e *Env) Member(partnerKey, memberID string, fields map[string]any) string {
	e.T.Helper()
	in := GoodMember(memberID)
	for k, v := range fields {
		in[k] = v
	}
	return Str(e.MustSucceed(partnerKey, "upsertMarketplaceMember", UpsertMember, in), "member", "id")
}

// Supplier registers a supplier that accepts Cross-border Pay.
func (e *Env) Supplier(partnerKey, supplierID, payoutAccount string) string {
	e.T.Helper()
	return Str(e.MustSucceed(partnerKey, "upsertSupplier", UpsertSupplier, map[string]any{"supplierId": supplierID,
		"name": "Supplier " + supplierID, "acceptsCrossBorderPay": true, "payoutAccount": payoutAccount}), "supplier", "id")
}

// LinkMember links memberID (of platform code) to the account and returns the link id.
func (e *Env) LinkMember(key, accountID, platform, memberID string) string {
	e.T.Helper()
	link := Get(e.MustSucceed(key, "linkMarketplaceAccount", Link, map[string]any{"accountId": accountID, "platform": platform, "memberId": memberID}), "link")
	id := Str(link, "id")
	if Str(link, "status") == "PENDING" {
		e.MustSucceed(key, "confirmMarketplaceLink", ConfirmLink, map[string]any{"linkId": id, "code": e.LinkCode(id)})
	}
	return id
}

// ConfirmLink is the confirmMarketplaceLink mutation.
const ConfirmLink = `mutation($input: ConfirmMarketplaceLinkInput!) { confirmMarketplaceLink(input: $input) { link { id status memberId crossBorderPayActive account { id } } userErrors { code field message } } }`

// LinkCode is the last confirmation code the sandbox marketplace delivered for a link (by its
// global id), as the member would read it.
func (e *Env) LinkCode(linkID string) string {
	e.T.Helper()
	raw, _ := base64.RawURLEncoding.DecodeString(linkID)
	_, id, _ := strings.Cut(string(raw), ":")
	code, err := sandboxlink.Sender{Pool: e.Pool}.Code(context.Background(), id)
	if err != nil || code == "" {
		e.T.Fatalf("no code was sent for link %s (%v)", linkID, err)
	}
	return code
}

// Order creates a secured-transaction order of amount CNY and returns its id.
func (e *Env) Order(partnerKey, externalID, memberID, supplierID, amount string) string {
	e.T.Helper()
	return Str(e.MustSucceed(partnerKey, "createOrder", CreateOrder, map[string]any{"externalId": externalID, "buyerMemberId": memberID,
		"supplierId": supplierID, "amount": Money(amount, "CNY"), "tradeMode": "SECURED_TRANSACTION"}), "order", "id")
}

// FX fixture mutations.
const (
	SetFxRate    = `mutation($input: SetFxRateInput!) { setFxRate(input: $input) { rate { from to mid source } userErrors { code field message } } }`
	CreateQuote  = `mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id sellAmount { amount currency } buyAmount { amount currency } rate mid spreadBps expiresAt status } userErrors { code field message } } }`
	ExecuteQuote = `mutation($input: ExecuteQuoteInput!) { executeQuote(input: $input) { conversion { id status sold { amount currency } bought { amount currency } rate quote { id status } } account { id } userErrors { code field message } } }`
)

// Quote creates a quote selling amount of sell for buy and returns its payload's quote.
func (e *Env) Quote(key, accountID, sell, buy, amount string) map[string]any {
	e.T.Helper()
	return e.MustSucceed(key, "createQuote", CreateQuote, map[string]any{"accountId": accountID, "sellCurrency": sell,
		"buyCurrency": buy, "sellAmount": Money(amount, sell)})["quote"].(map[string]any)
}

// Money is a MoneyInput.
func Money(amount, currency string) map[string]any {
	return map[string]any{"amount": amount, "currency": currency}
}

// Balance reads an account's available balance in currency as a string.
func (e *Env) Balance(accountID, currency string) string {
	e.T.Helper()
	var s string
	err := e.Pool.QueryRow(context.Background(), `SELECT coalesce((SELECT available::text FROM balances
		WHERE account_id = $1 AND currency = $2), '0')`, graph.RawAccountID(accountID), currency).Scan(&s)
	if err != nil {
		e.T.Fatal(err)
	}
	return s
}

// RawID is the database id behind an account's global id.
func RawID(accountID string) string { return graph.RawAccountID(accountID) }

// Payment fixture operations.
const (
	PayOrder       = `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id status method amount { amount currency } fees { kind rate amount { amount currency } } totalFees { amount currency } debited { amount currency } fxRate escrowStatus conversion { id status } } userErrors { code field message } } }`
	ConfirmReceipt = `mutation($input: ConfirmReceiptInput!) { confirmReceipt(input: $input) { order { id status } userErrors { code field message } } }`
	RefundOrder    = `mutation($input: RefundOrderInput!) { refundOrder(input: $input) { refund { id amount { amount } feesRefunded { amount } credited { amount currency } } payment { status escrowStatus } userErrors { code field message } } }`
	RetryPayout    = `mutation($input: RetryPayoutInput!) { retryPayout(input: $input) { payout { id status } userErrors { code field message } } }`
	PaymentOptions = `query($id: ID!, $cur: CurrencyCode, $ip: String) { paymentOptions(orderId: $id, payCurrency: $cur, buyerIpCountry: $ip) { method available reasons handledBy fees { kind amount { amount currency } } total { amount currency } } }`
)

// Shop is a partner with a buyer member linked to a verified account with Cross-border Pay
// active, and a supplier that accepts it.
type Shop struct {
	PartnerKey, AccountID, AccountKey, LinkID string
}

// NewShop sets a Shop up; payoutAccount is the supplier's (its last four digits choose the
// sandbox rail's behaviour).
func (e *Env) NewShop(payoutAccount string) Shop {
	e.T.Helper()
	_, pk := e.Partner("1688")
	e.Member(pk, "buyer", nil)
	e.Supplier(pk, "supplier", payoutAccount)
	id, key := e.Account("Buyer Ltd")
	link := e.LinkMember(key, id, "1688", "buyer")
	e.MustSucceed(key, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
	return Shop{PartnerKey: pk, AccountID: id, AccountKey: key, LinkID: link}
}

// Pay pays an order with WORLD_PAY and returns the payment.
func (e *Env) Pay(key, orderID, idemKey string) map[string]any {
	e.T.Helper()
	return e.MustSucceed(key, "payOrder", PayOrder, map[string]any{"orderId": orderID, "method": "WORLD_PAY", "idempotencyKey": idemKey})["payment"].(map[string]any)
}

// ReleaseWhenDue works one auto-release job as the worker does (a batch of one) and returns
// how long its hold has left, or its error.
func (e *Env) ReleaseWhenDue(job domain.ReleaseEscrowJob, rail domain.PayoutRail) (time.Duration, error) {
	o := e.Svc.ReleaseEscrowsWhenDue(context.Background(), []domain.ReleaseEscrowJob{job}, rail)[0]
	return o.Left, o.Err
}

// With returns the same environment reporting to t (for fuzz targets and subtests that must
// not use their parent's T).
func (e *Env) With(t testing.TB) *Env {
	e.hubsMu.Lock()
	defer e.hubsMu.Unlock()
	return &Env{T: t, Pool: e.Pool, DBURL: e.DBURL, Svc: e.Svc, Server: e.Server, Operator: e.Operator,
		serverConfig: e.serverConfig, hubs: e.hubs}
}

// StartWorkers runs a real River client working every KJB job kind against the test's
// database (sandbox rail and liquidity provider), stopped when the test ends. adjust may
// change the configuration first.
func (e *Env) StartWorkers(adjust func(*worker.Config)) {
	e.T.Helper()
	cfg := worker.Config{Logger: slog.New(slog.DiscardHandler), SettlementInterval: time.Second,
		Provider: sandboxliquidity.Provider{Pool: e.Pool}, Rail: sandboxrail.Rail{Pool: e.Pool}}
	if adjust != nil {
		adjust(&cfg)
	}
	client, err := worker.NewClient(e.Pool, e.Svc, cfg)
	if err != nil {
		e.T.Fatal(err)
	}
	if err := client.Start(context.Background()); err != nil {
		e.T.Fatal(err)
	}
	e.T.Cleanup(func() { _ = client.Stop(context.Background()) })
}

// ChangedTables names the tables whose rows differ between two snapshots.
func ChangedTables(before, after string) []string {
	was := map[string]bool{}
	for _, line := range strings.Split(before, "\n") {
		was[line] = true
	}
	var out []string
	for _, line := range strings.Split(after, "\n") {
		if !was[line] {
			out = append(out, strings.Fields(line)[0])
		}
	}
	return out
}

// PaymentOf returns the raw id of the payment of the order with this external id.
func (e *Env) PaymentOf(externalID string) string {
	e.T.Helper()
	var id string
	if err := e.Pool.QueryRow(context.Background(), `SELECT p.id::text FROM payments p JOIN orders o ON o.id = p.order_id
		WHERE o.external_id = $1`, externalID).Scan(&id); err != nil {
		e.T.Fatal(err)
	}
	return id
}

// SetSandboxClock moves the sandbox clock (Options.SandboxClock) to at, an RFC 3339 time.
func (e *Env) SetSandboxClock(at string) {
	e.T.Helper()
	e.MustSucceed(e.Operator, "setSandboxClock", `mutation($input: SetSandboxClockInput!) { setSandboxClock(input: $input) { now userErrors { code } } }`,
		map[string]any{"now": at})
}

// EventTypes lists the types of the events key may read, of the given types (EventType
// values), oldest first.
func (e *Env) EventTypes(key string, types []string) []string {
	e.T.Helper()
	d := e.MustData(key, `query($types: [EventType!]) { events(first: 50, types: $types) { edges { node { type objectType } } } }`, map[string]any{"types": types})
	var out []string
	for _, edge := range Get(d, "events", "edges").([]any) {
		out = append(out, Str(edge, "node", "type"))
	}
	slices.Reverse(out)
	return out
}

// Race runs fn(0) … fn(n-1) in n goroutines released at the same moment and waits for them
// all: the way tests make requests race for one balance, key, limit or row.
func Race(n int, fn func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			fn(i)
		}()
	}
	close(start)
	wg.Wait()
}
