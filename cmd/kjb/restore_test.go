package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestRestoreDrill rehearses point-in-time recovery with pgBackRest (scripts/pitr.sh): a fresh
// cluster archiving its WAL, KJB on it (an api and a worker), a full base backup, then payments
// paid one after another through the API with idempotency keys. It picks a moment between two
// acknowledged payments, restores the backup and the archived WAL up to that moment into a new
// cluster, runs `kjb audit` and an api and a worker on it, and checks that exactly the payments
// acknowledged before that moment exist. Enable with KJB_RESTORE_DRILL=1 (`make restore-drill`).
func TestRestoreDrill(t *testing.T) {
	if os.Getenv("KJB_RESTORE_DRILL") == "" {
		t.Skip("set KJB_RESTORE_DRILL=1 (make restore-drill) to rehearse a restore")
	}
	pitr := func(args ...string) string {
		t.Helper()
		start := time.Now()
		out := script(t, "pitr.sh", args...)
		t.Logf("pitr.sh %s: %.1fs", strings.Join(args, " "), time.Since(start).Seconds())
		return out
	}
	pitr("down") // a fresh cluster and repository
	t.Cleanup(func() { pitr("down") })
	c := newHarness(t, pitr("up"))
	c.bootstrap("api", "worker")
	c.seed()
	for _, a := range c.accounts {
		c.must(c.operator, "topUp", `mutation($input: TopUpInput!) { topUp(input: $input) { topUp { id } userErrors { code } } }`,
			map[string]any{"accountId": a.id, "amount": map[string]any{"amount": "1000000.00", "currency": "CNH"}, "reference": "opening"})
	}

	pitr("backup")

	// Payments go on after the backup, one after another: each is sent after the previous one
	// was acknowledged, so a moment between two of them separates their commits.
	type payment struct {
		id          string
		sent, acked time.Time
	}
	var payments []payment
	for i := range 30 {
		a := c.accounts[i%len(c.accounts)]
		ext := fmt.Sprint("drill-", i)
		d, err := c.call(c.partner, `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { code } } }`,
			map[string]any{"input": map[string]any{"externalId": ext, "buyerMemberId": fmt.Sprint("m", i%len(c.accounts)), "supplierId": "s0",
				"amount": map[string]any{"amount": "1200.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}})
		order := str(d, "createOrder", "order", "id")
		if err != nil || order == "" {
			t.Fatalf("createOrder: %v %v", d, err)
		}
		sent := time.Now()
		d, err = c.call(a.key, `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id } userErrors { code } } }`,
			map[string]any{"input": map[string]any{"orderId": order, "method": "WORLD_PAY", "idempotencyKey": "pay-" + ext}})
		acked := time.Now()
		id := str(d, "payOrder", "payment", "id")
		if err != nil || id == "" {
			t.Fatalf("payOrder: %v %v", d, err)
		}
		payments = append(payments, payment{rawPaymentID(id), sent, acked})
		time.Sleep(100 * time.Millisecond)
	}
	k := len(payments)/2 - 1
	target := payments[k].acked.Add(payments[k+1].sent.Sub(payments[k].acked) / 2)
	t.Logf("%d payments acknowledged after the backup; target %s: payment %d acknowledged %.0f ms before, payment %d sent %.0f ms after",
		len(payments), target.UTC().Format("15:04:05.000000"), k+1, target.Sub(payments[k].acked).Seconds()*1000,
		k+2, payments[k+1].sent.Sub(target).Seconds()*1000)
	pitr("check") // the WAL past the target is archived
	c.stopAll()

	restored := pitr("restore", target.UTC().Format("2006-01-02 15:04:05.000000-07"))
	c.dbURL, c.direct = restored, restored
	out, code := c.kjb("audit")
	t.Logf("kjb audit on the restored cluster (exit %d): %s", code, strings.TrimSpace(out))
	if code != 0 {
		t.Errorf("kjb audit failed on the restored cluster")
	}
	c.startAll("api", "worker")
	res, err := http.Get("http://" + c.apiAddrs()[0] + "/readyz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("the api on the restored cluster is not ready: %v %v", res, err)
	}
	res.Body.Close()

	conn, err := pgx.Connect(context.Background(), restored)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(context.Background(), `SELECT id::text FROM payments`)
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	present := map[string]bool{}
	for _, id := range ids {
		present[id] = true
	}
	for i, p := range payments {
		switch before := i <= k; {
		case before && !present[p.id]:
			t.Errorf("payment %d, acknowledged before the target, is missing after the restore", i+1)
		case !before && present[p.id]:
			t.Errorf("payment %d, sent after the target, exists after the restore", i+1)
		}
	}
	if len(ids) != k+1 {
		t.Errorf("%d payments after the restore, want the %d acknowledged before the target", len(ids), k+1)
	}
	// The restored database takes payments again.
	a := c.accounts[0]
	d, err := c.call(c.partner, `mutation($input: CreateOrderInput!) { createOrder(input: $input) { order { id } userErrors { code } } }`,
		map[string]any{"input": map[string]any{"externalId": "after-restore", "buyerMemberId": "m0", "supplierId": "s0",
			"amount": map[string]any{"amount": "1200.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}})
	if err != nil {
		t.Fatal(err)
	}
	d, err = c.call(a.key, `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id } userErrors { code } } }`,
		map[string]any{"input": map[string]any{"orderId": str(d, "createOrder", "order", "id"), "method": "WORLD_PAY", "idempotencyKey": "pay-after-restore"}})
	if err != nil || str(d, "payOrder", "payment", "id") == "" {
		t.Errorf("a payment on the restored cluster: %v %v", d, err)
	}
	t.Logf("restored: %d of %d payments, exactly those acknowledged before the target; kjb audit clean; an api and a worker serve it",
		len(ids), len(payments))
}
