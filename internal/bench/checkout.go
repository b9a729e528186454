package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/kjb/kjb/db"
	"github.com/kjb/kjb/graph"
)

// checkoutSize is how many orders one checkout pays.
const checkoutSize = 10

const payOrdersMutation = `mutation($input: PayOrdersInput!) { payOrders(input: $input) { payments { id order { id } } userErrors { code } } }`

// runCheckout measures, through the `kjb api` process and in one run, buyers checking out 10
// orders at a time: with one payOrders call, and with 10 payOrder calls one after the other.
// There are as many buyers as clients (each its own partner, account, linked member and 10
// suppliers) and the checkouts go to them in turn, the same way for both. Runs alternate,
// benchRuns of each; the figures are the medians, in orders per second, and the p99 of one
// checkout.
func runCheckout(ctx context.Context, b *benchDB, clients, payments int) error {
	checkouts := payments / checkoutSize
	if clients < 1 || checkouts < clients {
		return fmt.Errorf("-checkout needs -clients of at least 1 and -payments of at least %d × -clients", checkoutSize)
	}
	perRun := checkouts * checkoutSize
	type buyer struct {
		key    string
		orders []string
	}
	buyers := make([]buyer, clients)
	for i := range buyers {
		orders, _, key, err := seedBench(ctx, b.svc, benchScenario{fmt.Sprint("checkout-", i), checkoutSize, 1}, (2*benchRuns+1)*perRun/clients+checkoutSize)
		if err != nil {
			return fmt.Errorf("seed: %w", err)
		}
		buyers[i] = buyer{key: key, orders: orders}
	}
	endpoint := "http://" + b.api.addr + "/query"
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}}
	// take hands out the next checkout of each client's buyer, built before the clock starts.
	take := func(batched bool) [][][]byte {
		out := make([][][]byte, clients)
		for c := range out {
			for range checkouts / clients {
				ids := buyers[c].orders[:checkoutSize]
				buyers[c].orders = buyers[c].orders[checkoutSize:]
				out[c] = append(out[c], checkoutBodies(ids, batched)...)
			}
		}
		return out
	}
	run := func(batched bool) benchResult {
		bodies := take(batched)
		perCall := 1
		if !batched {
			perCall = checkoutSize
		}
		n := len(bodies[0]) / perCall
		// Checkout i is buyer i mod clients's: the buyers take turns.
		r := measure(n*clients, clients, 0, func(i int) bool {
			c, k := i%clients, i/clients
			ok := true
			for _, body := range bodies[c][k*perCall : (k+1)*perCall] {
				ok = postCheckout(hc, endpoint, buyers[c].key, body, batched) && ok
			}
			return ok
		})
		r.rate *= checkoutSize // checkouts/s → orders/s
		return r
	}
	fmt.Printf("kjb bench -checkout — %d clients, each a buyer checking out %d orders at a time, %d orders per run, each run %d times (medians), database %s\n\n",
		clients, checkoutSize, perRun, benchRuns, b.name)
	fmt.Printf("%-26s %11s %8s %8s %8s %7s\n", "run", "orders/s", "p50 ms", "p95 ms", "p99 ms", "errors")
	run(true) // warm-up
	var single, batched []benchResult
	for i := range benchRuns {
		if err := db.Vacuum(ctx, b.pool); err != nil {
			return err
		}
		single = append(single, run(false))
		printRowAs(fmt.Sprintf("%-26s", fmt.Sprintf("10 × payOrder %d", i+1)), single[i])
		batched = append(batched, run(true))
		printRowAs(fmt.Sprintf("%-26s", fmt.Sprintf("payOrders of 10 %d", i+1)), batched[i])
	}
	s, t := medianBy(single, byRate), medianBy(batched, byRate)
	fmt.Printf("\npayOrders of 10 ÷ 10 × payOrder   %.2f× orders/s   (target ≥ 3)\n", t.rate/s.rate)
	fmt.Printf("p99 of a checkout: 10 × payOrder %.1f ms, payOrders of 10 %.1f ms\n", ms(s.p99), ms(t.p99))
	return nil
}

// checkoutBodies are the request bodies paying the orders: one payOrders, or one payOrder each.
func checkoutBodies(orders []string, batched bool) [][]byte {
	ids := make([]string, len(orders))
	for i, o := range orders {
		ids[i] = graph.OrderGlobalID(o)
	}
	if batched {
		body, _ := json.Marshal(map[string]any{"query": payOrdersMutation, "variables": map[string]any{"input": map[string]any{
			"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "checkout-" + orders[0]}}})
		return [][]byte{body}
	}
	out := make([][]byte, len(orders))
	for i, o := range orders {
		out[i], _ = json.Marshal(map[string]any{"query": payMutation, "variables": map[string]any{"input": map[string]any{
			"orderId": ids[i], "method": "WORLD_PAY", "idempotencyKey": "single-" + o}}})
	}
	return out
}

// postCheckout sends one payOrder or payOrders request and reports whether it paid.
func postCheckout(hc *http.Client, endpoint, key string, body []byte, batched bool) bool {
	if !batched {
		return postPayment(hc, endpoint, key, body)
	}
	var out struct {
		Data struct {
			PayOrders struct {
				Payments   []struct{ ID string }
				UserErrors []any
			}
		}
		Errors []any
	}
	return postGraphQL(hc, endpoint, key, body, &out) && len(out.Errors) == 0 && len(out.Data.PayOrders.UserErrors) == 0 &&
		len(out.Data.PayOrders.Payments) == checkoutSize
}
