package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	"github.com/kjb/kjb/graph"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
	"github.com/kjb/kjb/worker"
)

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestRequestLogsAndIDs: one JSON line per operation with request id, principal, operation,
// duration and outcome, the id also in extensions.requestId; never a secret, a payout account
// or the variables.
func TestRequestLogsAndIDs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	e := New(t, Options{Log: logs})
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-secret-ref", "buyer", "supplier", "100.00")
	r := e.Do(s.AccountKey, PayOrder, map[string]any{"input": map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": "idem-visible?"}})
	var reqID string
	if err := jsonExtract(r.Raw, &reqID); err != nil || reqID == "" {
		t.Fatalf("no extensions.requestId: %s", r.Raw)
	}
	out := logs.String()
	var line string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, reqID) {
			line = l
		}
	}
	for _, want := range []string{`"msg":"graphql"`, `"operation":"mutation payOrder"`, `"outcome":"ok"`, `"principal":"account:`, `"duration_ms":`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %s", line, want)
		}
	}
	for _, secret := range []string{s.AccountKey, s.PartnerKey, e.Operator, "6222020200118888", "idem-visible?"} {
		if strings.Contains(out, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
	// A client's X-Request-Id is kept.
	req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/query", strings.NewReader(`{"query":"{ currencies { code } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "trace-123")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("X-Request-Id") != "trace-123" || !strings.Contains(string(body), `"requestId":"trace-123"`) {
		t.Fatalf("request id not kept: %s %s", res.Header.Get("X-Request-Id"), body)
	}
}

func jsonExtract(raw string, id *string) error {
	i := strings.Index(raw, `"requestId":"`)
	if i < 0 {
		return io.EOF
	}
	rest := raw[i+len(`"requestId":"`):]
	*id = rest[:strings.Index(rest, `"`)]
	return nil
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00"), "p")
	big := e.Order(s.PartnerKey, "o-2", "buyer", "supplier", "5000.00")
	e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": big, "method": "WORLD_PAY", "idempotencyKey": "q"})
	res, err := http.Get(e.Server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := string(body)
	for _, want := range []string{
		`kjb_payments_total{method="WORLD_PAY",outcome="succeeded"} 1`,
		`kjb_payments_total{method="WORLD_PAY",outcome="INSUFFICIENT_BALANCE"} 1`,
		`kjb_payment_volume_total{currency="CNH"} 100.6`,
		`kjb_graphql_requests_total{operation="mutation payOrder",outcome="ok"} 1`,
		`kjb_graphql_requests_total{operation="mutation payOrder",outcome="user_error"} 1`,
		`kjb_jobs{kind="escrow.release",state="scheduled"} 1`,
		`kjb_db_pool_connections{state="max"}`,
		`kjb_ops_snapshot_up 1`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// Every known kind in every watched state has a series, 0 when no job is there.
	for _, kind := range domain.JobKinds {
		for _, state := range worker.WatchedJobStates {
			if !strings.Contains(m, fmt.Sprintf("kjb_jobs{kind=%q,state=%q} ", kind, state)) {
				t.Errorf("/metrics has no kjb_jobs series for %s %s", kind, state)
			}
		}
	}
	if !strings.Contains(m, `kjb_jobs{kind="payout.submit",state="discarded"} 0`) {
		t.Errorf("/metrics lacks kjb_jobs 0 for discarded payouts")
	}
}

func TestJobsAdmin(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00"), "p")
	q := `{ jobs(kind: "escrow.release") { edges { node { id kind state attempt maxAttempts } } } }`
	if r := e.Do(s.PartnerKey, q, nil); r.Code() != "FORBIDDEN" {
		t.Fatalf("a partner listed jobs: %s", r.Raw)
	}
	d := e.MustData(e.Operator, q, nil)
	job := Get(d, "jobs", "edges", 0, "node")
	if Str(job, "kind") != "escrow.release" || Str(job, "state") != "SCHEDULED" {
		t.Fatalf("jobs %v", d)
	}
	c := e.MustSucceed(e.Operator, "cancelJob", `mutation($input: CancelJobInput!) { cancelJob(input: $input) { job { state } userErrors { code } } }`,
		map[string]any{"jobId": Str(job, "id")})
	if Str(c, "job", "state") != "CANCELLED" {
		t.Fatalf("cancel %v", c)
	}
	rt := e.MustSucceed(e.Operator, "retryJob", `mutation($input: RetryJobInput!) { retryJob(input: $input) { job { state } userErrors { code } } }`,
		map[string]any{"jobId": Str(job, "id")})
	if Str(rt, "job", "state") != "AVAILABLE" {
		t.Fatalf("retry %v", rt)
	}
	if n := len(Get(e.MustData(e.Operator, `{ jobs(state: AVAILABLE, kind: "escrow.release") { edges { cursor } } }`, nil), "jobs", "edges").([]any)); n != 1 {
		t.Fatalf("%d available escrow releases, want the retried one", n)
	}
	if n := len(Get(e.MustData(e.Operator, `{ jobs(state: SCHEDULED, kind: "escrow.release") { edges { cursor } } }`, nil), "jobs", "edges").([]any)); n != 0 {
		t.Fatalf("%d scheduled escrow releases after the retry, want 0", n)
	}
	if r := e.Do(e.Operator, `{ jobs(state: SLEEPING) { edges { cursor } } }`, nil); r.Code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("unknown state: %s", r.Raw)
	}
}

// TestDashboardReadsUseTheReplica: listings read from DATABASE_READ_URL; money decisions and
// single-object reads use the primary. The "replica" here is a separate empty database.
func TestDashboardReadsUseTheReplica(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Replica: true})
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000.00", "CNH")
	pid := Str(e.Pay(s.AccountKey, e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00"), "p"), "id")
	if d := e.MustData(s.PartnerKey, `query($id: ID!) { payment(id: $id) { id } }`, map[string]any{"id": pid}); d["payment"] == nil {
		t.Fatal("the payment is not read from the primary")
	}
	if d := e.MustData(s.PartnerKey, `{ payments { edges { node { id } } } }`, nil); len(Get(d, "payments", "edges").([]any)) != 0 {
		t.Fatal("the payments listing did not read from the replica")
	}
}

// TestNoSecretsInLogsOrJobs: after payments, refunds, payouts (one failing), webhooks and a
// rotation, neither the API's and worker's logs nor any job's arguments contain an API secret,
// a webhook secret or a payout account number.
func TestNoSecretsInLogsOrJobs(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	e := New(t, Options{Log: logs})
	e.StartWorkers(func(c *worker.Config) {
		c.Logger, c.WebhookBackoff = slog.New(slog.NewJSONHandler(logs, nil)), 20*time.Millisecond
	})
	s := e.NewShop("6222020200110002") // the rail refuses this account: its payout fails
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) }))
	t.Cleanup(hook.Close)
	create := e.MustSucceed(s.PartnerKey, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } secret userErrors { code } } }`,
		map[string]any{"url": hook.URL})
	rotated := e.MustSucceed(s.PartnerKey, "rotateWebhookSecret", `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret userErrors { code } } }`,
		map[string]any{"endpointId": Str(create, "endpoint", "id")})
	e.Fund(s.AccountID, "1000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "100.00")
	e.Pay(s.AccountKey, oid, "p")
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("10.00", "CNY"), "idempotencyKey": "r"})
	e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
	wait.For(t, 30*time.Second, func() error {
		failed, deliveries := e.Count(`SELECT count(*) FROM payouts WHERE status = 'FAILED'`), e.Count(`SELECT count(*) FROM webhook_deliveries`)
		if failed != 1 || deliveries < 3 {
			return fmt.Errorf("the flow did not finish: %d failed payouts (want 1), %d webhook deliveries (want 3 or more)", failed, deliveries)
		}
		return nil
	})
	var args strings.Builder
	rows, err := e.Pool.Query(context.Background(), `SELECT args::text FROM river_job`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		args.WriteString(a + "\n")
	}
	rows.Close()
	everything := logs.String() + args.String()
	if !strings.Contains(logs.String(), `"msg":"job"`) || !strings.Contains(args.String(), "payout_id") {
		t.Fatal("nothing captured: the scan would prove nothing")
	}
	for name, secret := range map[string]string{"operator key": e.Operator, "partner key": s.PartnerKey, "account key": s.AccountKey,
		"webhook secret": Str(create, "secret"), "rotated webhook secret": Str(rotated, "secret"), "payout account": "6222020200110002"} {
		if strings.Contains(everything, secret) {
			t.Errorf("the %s appears in logs or job arguments", name)
		}
	}
}

// TestRefusalsAreCounted: every request refused by a limit or for want of a valid key is in
// kjb_graphql_requests_total with the code the client was given as its outcome.
func TestRefusalsAreCounted(t *testing.T) {
	t.Parallel()
	e := New(t, Options{Server: func(sc *graph.ServerConfig) {
		sc.MaxBodyBytes = 2048
		sc.TokenLimit = 40
		sc.Limits = graph.Limits{MaxDepth: 4, MaxTotalDepth: 20, MaxAliases: 2, MaxComplexity: 50}
		sc.RatePerSecond, sc.RateBurst = 0.001, 20
	}})
	post := func(key string, body io.Reader, length int64) Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, e.Server.URL+"/query", body)
		req.ContentLength = length
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", key)
		}
		res, err := e.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		out := Response{Status: res.StatusCode, Raw: string(raw)}
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("response is not JSON (%d): %.300s", res.StatusCode, raw)
		}
		return out
	}
	query := func(q string) []byte { b, _ := json.Marshal(map[string]any{"query": q}); return b }
	big := query("{ viewer { role } }" + strings.Repeat(" ", 4096))
	cases := []struct {
		name   string
		send   func() Response
		status int
		code   string
	}{
		{"body over the cap", func() Response { return post("", bytes.NewReader(big), int64(len(big))) }, 413, "INVALID_INPUT"},
		{"body of unknown length over the cap", func() Response { return post("", io.MultiReader(bytes.NewReader(big)), -1) }, 413, "INVALID_INPUT"},
		{"malformed Authorization", func() Response { return post("Basic abc", bytes.NewReader(query("{ viewer { role } }")), -1) }, 401, "UNAUTHENTICATED"},
		{"unknown key", func() Response { return e.Do("not-a-key", "{ viewer { role } }", nil) }, 401, "UNAUTHENTICATED"},
		{"no key for a private field", func() Response { return e.Do("", "{ accounts(first: 1) { edges { node { id } } } }", nil) }, 200, "UNAUTHENTICATED"},
		{"too many tokens", func() Response { return e.Do("", "{ viewer {"+strings.Repeat(" role", 50)+" } }", nil) }, 422, "GRAPHQL_PARSE_FAILED"},
		{"too deep", func() Response {
			return e.Do(e.Operator, "{ viewer { account { balances { available { amount } } } } }", nil)
		}, 200, "QUERY_TOO_COMPLEX"},
		{"too many aliases", func() Response {
			return e.Do(e.Operator, "{ a: viewer { role } b: viewer { role } c: viewer { role } }", nil)
		}, 200, "QUERY_TOO_COMPLEX"},
		{"too complex", func() Response { return e.Do(e.Operator, "{ accounts(first: 100) { edges { node { id } } } }", nil) }, 200, "QUERY_TOO_COMPLEX"},
		{"rate limited", func() Response {
			for range 30 {
				if r := e.Do(e.Operator, "{ viewer { role } }", nil); r.Status == http.StatusTooManyRequests {
					return r
				}
			}
			t.Fatal("30 requests with a burst of 20 were never rate limited")
			return Response{}
		}, 429, "RATE_LIMITED"},
	}
	for _, c := range cases {
		before := requestsByOutcome(t, e)[c.code]
		r := c.send()
		if r.Code() != c.code || r.Status != c.status {
			t.Errorf("%s: answered %d %s, want %d %s", c.name, r.Status, r.Raw, c.status, c.code)
			continue
		}
		if after := requestsByOutcome(t, e)[c.code]; after != before+1 {
			t.Errorf("%s: kjb_graphql_requests_total{outcome=%q} went from %v to %v, want +1", c.name, c.code, before, after)
		}
	}
}

// requestsByOutcome sums kjb_graphql_requests_total by outcome, read from /metrics.
func requestsByOutcome(t *testing.T, e *Env) map[string]float64 {
	t.Helper()
	res, err := http.Get(e.Server.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if !strings.HasPrefix(line, "kjb_graphql_requests_total{") {
			continue
		}
		_, rest, _ := strings.Cut(line, `outcome="`)
		outcome, rest, _ := strings.Cut(rest, `"`)
		var n float64
		fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(rest, "}")), &n)
		out[outcome] += n
	}
	return out
}
