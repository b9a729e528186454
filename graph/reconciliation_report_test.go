package graph_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxrail"
)

const reconciliationQuery = `query($from: DateTime!, $to: DateTime!) { partnerReconciliation(from: $from, to: $to) {
	lines { day supplier { externalId } figures { ...F } paidPayouts { payoutId railReference amount { amount currency } paidAt } }
	totals { ...F } csvPath } }
	fragment F on ReconciliationFigures { paymentCount paymentVolume { amount currency } fees { amount currency } refunds { amount }
		payoutsPaid { amount } paidCount payoutsFailed failedAmount { amount } payoutsPending pendingAmount { amount } }`

const summaryQuery = `query($from: DateTime!, $to: DateTime!) { partnerSummary(from: $from, to: $to) { paymentCount paymentVolume { amount }
	fees { amount } refunds { amount } payoutsPaid { amount } payoutsPending payoutsFailed } }`

// TestPartnerReconciliationTiesToSummary pays, refunds and pays out over three Shanghai days
// for two suppliers, then checks that for every window the report's totals equal
// partnerSummary's, its lines add up to its totals, each paid payout carries the rail's
// reference, the CSV carries the same figures, and only the partner itself (and operators)
// can read it.
func TestPartnerReconciliationTiesToSummary(t *testing.T) {
	t.Parallel()
	// 15:00 UTC is 23:00 in Shanghai: each round of orders spans two Shanghai days.
	clock := NewClock(time.Date(2026, 10, 5, 15, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock})
	s := e.NewShop("62220000001")
	e.Supplier(s.PartnerKey, "supplier-b", "62220000002")
	e.Fund(s.AccountID, "100000.00", "CNH")
	e.Fund(s.AccountID, "5000.00", "USD")
	rail := sandboxrail.Rail{Pool: e.Pool}
	payout := func(orderID string) {
		t.Helper()
		var po string
		if err := e.Pool.QueryRow(context.Background(), `SELECT p.id::text FROM payouts p JOIN orders o ON o.id = p.order_id WHERE o.external_id = $1`, orderID).Scan(&po); err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.SubmitPayout(context.Background(), po, rail); err != nil {
			t.Fatal(err)
		}
	}
	for day := range 3 {
		for i, sup := range []string{"supplier", "supplier-b", "supplier"} {
			ext := fmt.Sprintf("o-%d-%d", day, i)
			oid := e.Order(s.PartnerKey, ext, "buyer", sup, fmt.Sprintf("%d.50", 1000+100*day+i))
			if i == 2 {
				e.MustSucceed(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLDFIRST_BALANCE", "payCurrency": "USD", "idempotencyKey": ext})
			} else {
				e.Pay(s.AccountKey, oid, ext)
			}
			clock.Advance(20 * time.Minute)
			switch i {
			case 0:
				e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("100.00", "CNY"), "idempotencyKey": "r" + ext})
				e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
				clock.Advance(30 * time.Minute)
				payout(ext)
			case 1:
				e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
				payout(ext) // supplier-b's account fails
			case 2:
				if day == 1 {
					e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid}) // left pending
				}
			}
		}
		clock.Advance(24 * time.Hour)
	}
	start := time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)
	end := clock.Now().Add(time.Hour)
	windows := [][2]time.Time{{start, end}, {start, start.Add(40 * time.Hour)}, {start.Add(16 * time.Hour), start.Add(64 * time.Hour)},
		{start, start.Add(15*time.Hour + 10*time.Minute)}} // between a payment and its refund
	for _, w := range windows {
		vars := map[string]any{"from": w[0].Format(time.RFC3339), "to": w[1].Format(time.RFC3339)}
		rep := Get(e.MustData(s.PartnerKey, reconciliationQuery, vars), "partnerReconciliation")
		sum := Get(e.MustData(s.PartnerKey, summaryQuery, vars), "partnerSummary")
		tot := Get(rep, "totals")
		for _, f := range [][2]string{{"paymentCount", ""}, {"paymentVolume", "amount"}, {"fees", "amount"}, {"refunds", "amount"}, {"payoutsPaid", "amount"}} {
			a, b := fmt.Sprint(Get(tot, f[0])), fmt.Sprint(Get(sum, f[0]))
			if f[1] != "" {
				a, b = Str(tot, f[0], f[1]), Str(sum, f[0], f[1])
			}
			if a != b {
				t.Fatalf("%v: totals %s = %s, partnerSummary says %s", w, f[0], a, b)
			}
		}
		if w == windows[0] && (Get(tot, "payoutsPending") != Get(sum, "payoutsPending") || Get(tot, "payoutsFailed") != Get(sum, "payoutsFailed") ||
			Get(tot, "payoutsFailed") != float64(3) || Get(tot, "payoutsPending") != float64(1) || Get(tot, "paidCount") != float64(3)) {
			t.Fatalf("payout counts: totals %v, summary %v", tot, sum)
		}
		vol, paid := decimal.Zero, 0
		for _, l := range Get(rep, "lines").([]any) {
			vol = vol.Add(dec(t, Str(l, "figures", "paymentVolume", "amount")))
			for _, p := range Get(l, "paidPayouts").([]any) {
				paid++
				at, _ := time.Parse(time.RFC3339Nano, Str(p, "paidAt"))
				var ref string
				_ = e.Pool.QueryRow(context.Background(), `SELECT reference FROM sandbox_rail_transfers WHERE payout_id::text = $1`, decodeGID(t, Str(p, "payoutId"))[len("Payout:"):]).Scan(&ref)
				if ref == "" || Str(p, "railReference") != ref || at.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly) != Str(l, "day") {
					t.Fatalf("paid payout %v on line %s: rail says %q", p, Str(l, "day"), ref)
				}
			}
		}
		if !vol.Equal(dec(t, Str(tot, "paymentVolume", "amount"))) || float64(paid) != Get(tot, "paidCount") {
			t.Fatalf("lines add up to %s and %d paid payouts, totals say %v", vol, paid, tot)
		}
	}
	all := map[string]any{"from": start.Format(time.RFC3339), "to": end.Format(time.RFC3339)}
	rep := Get(e.MustData(s.PartnerKey, reconciliationQuery, all), "partnerReconciliation")
	if got := len(Get(rep, "lines").([]any)); got != 8 || Str(rep, "lines", 0, "day") != "2026-10-05" || Str(rep, "lines", 1, "supplier", "externalId") != "supplier-b" || Str(rep, "lines", 7, "day") != "2026-10-08" {
		t.Fatalf("lines by Shanghai day and supplier: %d %v", got, Get(rep, "lines"))
	}
	status, ctype, body := getCSV(t, e, s.PartnerKey, Str(rep, "csvPath"))
	recs, err := csv.NewReader(bytes.NewReader([]byte(body))).ReadAll()
	if status != http.StatusOK || ctype != "text/csv; charset=utf-8" || err != nil || len(recs) < 2 {
		t.Fatalf("csv %d %s %v %q", status, ctype, err, body)
	}
	totals := map[string][2]string{}
	paidRows := 0
	for _, r := range recs[1:] {
		if r[0] == "TOTAL" {
			totals[r[3]] = [2]string{r[5], r[7]}
		}
		if r[3] == "PAYOUT_PAID" && r[4] != "" {
			paidRows++
		}
	}
	tot := Get(rep, "totals")
	if totals["PAYMENTS"] != [2]string{"9", Str(tot, "paymentVolume", "amount")} || totals["FEES"][1] != Str(tot, "fees", "amount") ||
		totals["REFUNDS"][1] != Str(tot, "refunds", "amount") || totals["PAYOUTS_PAID"] != [2]string{"3", Str(tot, "payoutsPaid", "amount")} ||
		totals["PAYOUTS_FAILED"][0] != "3" || paidRows != 3 {
		t.Fatalf("csv totals %v, report %v", totals, tot)
	}
	if st, _, _ := getCSV(t, e, e.Operator, Str(rep, "csvPath")); st != http.StatusOK {
		t.Fatalf("operator: %d", st)
	}
	if r := e.Do(s.AccountKey, reconciliationQuery, all); r.Code() != "FORBIDDEN" {
		t.Fatalf("an account read the report: %s", r.Raw)
	}
	if st, _, _ := getCSV(t, e, s.AccountKey, Str(rep, "csvPath")); st != http.StatusForbidden {
		t.Fatalf("an account downloaded the report: %d", st)
	}
	if st, _, _ := getCSV(t, e, "", Str(rep, "csvPath")); st != http.StatusUnauthorized {
		t.Fatalf("anonymous downloaded the report: %d", st)
	}
	_, other := e.Partner("other")
	if d := e.MustData(other, reconciliationQuery, all); len(Get(d, "partnerReconciliation", "lines").([]any)) != 0 {
		t.Fatalf("another partner saw %v", d)
	}
	if _, _, b := getCSV(t, e, other, Str(rep, "csvPath")); bytes.Contains([]byte(b), []byte("supplier-b")) {
		t.Fatalf("another partner downloaded %s", b)
	}
	if r := e.Do(s.PartnerKey, reconciliationQuery, map[string]any{"from": start.Format(time.RFC3339), "to": start.Add(100 * 24 * time.Hour).Format(time.RFC3339)}); r.Code() != "INVALID_INPUT" {
		t.Fatalf("a 100-day report: %s", r.Raw)
	}
}
