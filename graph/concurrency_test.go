package graph_test

import (
	"fmt"
	"slices"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

// TestDoubleSpendFrom100Goroutines: 100 payments at once against a balance that covers 37:
// exactly 37 succeed, every other one is INSUFFICIENT_BALANCE, and no balance goes negative.
func TestDoubleSpendFrom100Goroutines(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "3736.00", "CNH") // 37 × 100.60 = 3722.20, 38 × 100.60 = 3822.80
	orders := make([]string, 100)
	for i := range orders {
		orders[i] = e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "100.00")
	}
	codes := make([][]string, len(orders))
	Race(len(orders), func(i int) {
		oid := orders[i]
		codes[i] = UserErrorCodes(e.Mutate(s.AccountKey, "payOrder", PayOrder,
			map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": fmt.Sprint("k", i)}))
	})
	paid := 0
	for _, c := range codes {
		switch {
		case len(c) == 0:
			paid++
		case !slices.Equal(c, []string{"INSUFFICIENT_BALANCE"}):
			t.Errorf("unexpected %v", c)
		}
	}
	if paid != 37 || e.Balance(s.AccountID, "CNH") != "13.80" || e.Count(`SELECT count(*) FROM balances WHERE available < 0`) != 0 {
		t.Fatalf("%d paid, balance %s", paid, e.Balance(s.AccountID, "CNH"))
	}
	e.Audit()
}

// TestOppositeConversionsAtOnce: two accounts convert USD→EUR and EUR→USD in parallel, many
// times over; every conversion succeeds (lock waits and deadlocks are retried inside, never
// surfaced) and the ledger stays balanced.
func TestOppositeConversionsAtOnce(t *testing.T) {
	t.Parallel()
	e := New(t)
	a, aKey := e.Account("A")
	b, bKey := e.Account("B")
	e.Fund(a, "10000.00", "USD")
	e.Fund(a, "10000.00", "EUR")
	e.Fund(b, "10000.00", "USD")
	e.Fund(b, "10000.00", "EUR")
	type job struct{ key, acct, sell, buy string }
	var jobs []job
	for i := range 40 {
		if i%2 == 0 {
			jobs = append(jobs, job{aKey, a, "USD", "EUR"}, job{bKey, b, "EUR", "USD"})
		} else {
			jobs = append(jobs, job{aKey, a, "EUR", "USD"}, job{bKey, b, "USD", "EUR"})
		}
	}
	quotes := make([]string, len(jobs))
	for i, j := range jobs {
		quotes[i] = Str(e.Quote(j.key, j.acct, j.sell, j.buy, "10.00"), "id")
	}
	failures := make(chan string, len(jobs))
	Race(len(jobs), func(i int) {
		j := jobs[i]
		r := e.Do(j.key, ExecuteQuote, map[string]any{"input": map[string]any{"quoteId": quotes[i], "idempotencyKey": fmt.Sprint("x", i)}})
		if r.Code() != "" || len(UserErrorCodes(Get(r.Data, "executeQuote").(map[string]any))) != 0 {
			failures <- r.Raw
		}
	})
	close(failures)
	for f := range failures {
		t.Errorf("a conversion failed: %.300s", f)
	}
	if n := e.Count(`SELECT count(*) FROM conversions`); n != len(jobs) {
		t.Fatalf("%d conversions, want %d", n, len(jobs))
	}
	e.Audit()
}
