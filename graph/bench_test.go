package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/internal/wait"
)

// BenchmarkEventLatency pays 1,000 orders one after another and measures, from each payOrder
// response (the client's view of the commit), the arrival of the payment.succeeded
// subscription message and of its webhook at a local receiver. Reports medians and p99s.
//
//	make bench-events
func BenchmarkEventLatency(b *testing.B) {
	e := New(b)
	hookTimes := map[string]time.Time{}
	var mu sync.Mutex
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			Data struct {
				Payment string `json:"payment"`
			} `json:"data"`
		}
		_ = json.Unmarshal(body, &ev)
		mu.Lock()
		hookTimes[ev.Data.Payment] = time.Now()
		mu.Unlock()
	}))
	defer hook.Close()
	e.StartWorkers(nil)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000000.00", "CNH")
	e.MustSucceed(s.PartnerKey, "createWebhookEndpoint", `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret userErrors { code } } }`,
		map[string]any{"url": hook.URL, "types": []string{"PAYMENT_SUCCEEDED"}})
	sub, err := e.Dial(e.Server, s.PartnerKey)
	if err != nil {
		b.Fatal(err)
	}
	_ = sub.Start(`subscription { partnerEvents(types: [PAYMENT_SUCCEEDED]) { paymentId } }`, nil)
	e.WaitSubscribers(e.Server, 1)
	const n = 1000
	committed := map[string]time.Time{}
	subTimes := map[string]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for len(subTimes) < n {
			d, err := sub.Next()
			if err != nil || d == nil {
				return
			}
			subTimes[Str(d, "partnerEvents", "paymentId")] = time.Now()
		}
	}()
	b.ResetTimer()
	for i := range n {
		oid := e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "10.00")
		pid := Str(e.Pay(s.PartnerKey, oid, fmt.Sprint("p-", i)), "id")
		committed[pid] = time.Now()
	}
	<-done
	wait.For(b, 60*time.Second, func() error {
		mu.Lock()
		defer mu.Unlock()
		if len(hookTimes) < n {
			return fmt.Errorf("%d of %d webhooks received", len(hookTimes), n)
		}
		return nil
	})
	b.StopTimer()
	lat := func(arrived map[string]time.Time) (time.Duration, time.Duration, int) {
		var ds []time.Duration
		for id, at := range committed {
			if t, ok := arrived[id]; ok {
				ds = append(ds, max(0, t.Sub(at)))
			}
		}
		slices.Sort(ds)
		if len(ds) == 0 {
			return 0, 0, 0
		}
		return ds[len(ds)/2], ds[len(ds)*99/100], len(ds)
	}
	mu.Lock()
	defer mu.Unlock()
	sp50, sp99, sn := lat(subTimes)
	hp50, hp99, hn := lat(hookTimes)
	b.ReportMetric(float64(sp50.Microseconds())/1000, "sub-p50-ms")
	b.ReportMetric(float64(sp99.Microseconds())/1000, "sub-p99-ms")
	b.ReportMetric(float64(hp50.Microseconds())/1000, "hook-p50-ms")
	b.ReportMetric(float64(hp99.Microseconds())/1000, "hook-p99-ms")
	b.Logf("%d of %d subscription messages, %d of %d webhooks", sn, n, hn, n)
	rows, _ := e.Pool.Query(context.Background(), `SELECT kind, count(*),
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - scheduled_at))::float8,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finalized_at - attempted_at))::float8
		FROM river_job WHERE kind LIKE 'webhook.%' GROUP BY kind`)
	for rows.Next() {
		var kind string
		var c int
		var wait, run float64
		_ = rows.Scan(&kind, &c, &wait, &run)
		b.Logf("%s: %d jobs, median wait %.3fs, median run %.3fs", kind, c, wait, run)
	}
	rows.Close()
}
