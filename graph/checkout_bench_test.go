package graph_test

import (
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
)

// checkoutRun is one measured load: orders paid per second and the p99 of one call.
type checkoutRun struct {
	ordersPerSec float64
	p99          time.Duration
}

// runCalls makes the calls with clients concurrent clients; each call pays perCall orders.
func runCalls(b *testing.B, calls, clients, perCall int, call func(i int) bool) checkoutRun {
	b.Helper()
	lat := make([]time.Duration, calls)
	next := make(chan int, calls)
	for i := range calls {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	failed := 0
	var mu sync.Mutex
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				ok := call(i)
				lat[i] = time.Since(t0)
				if !ok {
					mu.Lock()
					failed++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failed > 0 {
		b.Fatalf("%d calls failed", failed)
	}
	slices.Sort(lat)
	return checkoutRun{ordersPerSec: float64(calls*perCall) / elapsed.Seconds(), p99: lat[(len(lat)*99+99)/100-1]}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	sort.Float64s(s)
	return s[len(s)/2]
}

// BenchmarkCheckout measures, through the API and in one run, paying 10 orders with one
// payOrders call against 10 payOrder calls (orders per second and each call's p99, 4 clients
// on one account), and WORLD_PAY payments that auto-convert their CNH shortfall from USD
// against plain ones. Each load runs in alternating rounds; the medians and their ratios are
// reported.
//
//	make bench-checkout
func BenchmarkCheckout(b *testing.B) {
	const (
		rounds  = 3
		perCall = 10
		calls   = 50 // checkouts per round: 500 orders
		clients = 4
	)
	e := New(b)
	s := e.NewShop("6222020200118888")
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	e.Fund(s.AccountID, "10000000.00", "USD")
	seq := 0
	orders := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			seq++
			out[i] = e.Order(s.PartnerKey, fmt.Sprint("bench-", seq), "buyer", "supplier", "1000.00")
		}
		return out
	}
	payOne := func(key string) func(oid string) bool {
		return func(oid string) bool {
			r := e.Do(s.AccountKey, PayOrder, map[string]any{"input": map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": key + oid}})
			return len(r.Errors) == 0 && len(Get(r.Data, "payOrder", "userErrors").([]any)) == 0
		}
	}
	autoConvert := func(on bool) {
		in := map[string]any{"accountId": s.AccountID}
		if on {
			in["currency"], in["maxSpreadBps"] = "USD", 100
		}
		e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, in)
	}
	b.ResetTimer()
	var single, batched, plain, converted []float64
	var singleP99, batchedP99, plainP99, convertedP99 []time.Duration
	for r := range rounds {
		// Auto-convert against plain: the CNH balance is empty while auto-convert runs, then
		// funded for exactly the plain round.
		autoConvert(true)
		ids := orders(calls * perCall)
		run := runCalls(b, len(ids), clients, 1, func(i int) bool { return payOne("ac")(ids[i]) })
		converted, convertedP99 = append(converted, run.ordersPerSec), append(convertedP99, run.p99)
		autoConvert(false)
		e.Fund(s.AccountID, fmt.Sprintf("%d.00", 3*calls*perCall*1006+r), "CNH")
		ids = orders(calls * perCall)
		run = runCalls(b, len(ids), clients, 1, func(i int) bool { return payOne("plain")(ids[i]) })
		plain, plainP99 = append(plain, run.ordersPerSec), append(plainP99, run.p99)

		// 10 orders in one payOrders call against 10 payOrder calls.
		ids = orders(calls * perCall)
		run = runCalls(b, calls, clients, perCall, func(i int) bool {
			ok := true
			for _, oid := range ids[i*perCall : (i+1)*perCall] {
				ok = payOne("single")(oid) && ok
			}
			return ok
		})
		single, singleP99 = append(single, run.ordersPerSec), append(singleP99, run.p99/perCall)
		ids = orders(calls * perCall)
		run = runCalls(b, calls, clients, perCall, func(i int) bool {
			r := e.Do(s.AccountKey, payOrders, map[string]any{"input": map[string]any{"orderIds": ids[i*perCall : (i+1)*perCall], "method": "WORLD_PAY",
				"idempotencyKey": fmt.Sprint("batch-", r, "-", i)}})
			return len(r.Errors) == 0 && len(Get(r.Data, "payOrders", "userErrors").([]any)) == 0
		})
		batched, batchedP99 = append(batched, run.ordersPerSec), append(batchedP99, run.p99)
		b.Logf("round %d: single %.0f orders/s, payOrders×10 %.0f orders/s; plain %.0f/s, auto-convert %.0f/s", r+1, single[r], batched[r], plain[r], converted[r])
	}
	b.StopTimer()
	medianDur := func(ds []time.Duration) time.Duration { slices.Sort(ds); return ds[len(ds)/2] }
	b.Logf("10 × payOrder:    median %.0f orders/s, p99 of 10 calls / 10 %s", median(single), medianDur(singleP99))
	b.Logf("payOrders of 10:  median %.0f orders/s, p99 per call %s", median(batched), medianDur(batchedP99))
	b.Logf("ratio (payOrders of 10 / 10 × payOrder): %.2f×", median(batched)/median(single))
	b.Logf("plain WORLD_PAY:  median %.0f orders/s, p99 %s", median(plain), medianDur(plainP99))
	b.Logf("auto-convert:     median %.0f orders/s, p99 %s", median(converted), medianDur(convertedP99))
	b.Logf("ratio (auto-convert / plain): %.2f×", median(converted)/median(plain))
	b.ReportMetric(median(batched)/median(single), "batch-speedup")
	b.ReportMetric(median(converted)/median(plain), "autoconvert-ratio")
	e.Audit()
}
