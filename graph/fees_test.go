package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

const statementsQuery = `query($id: ID!) { account(id: $id) { feeStatements { edges { node { month volume { amount } paymentCount
	standardFees { amount } serviceFees { amount } averageMonthlyVolume { amount } nextServiceFeeRate } } } } }`

func closeMonth(e *Env, month string) (bool, int) {
	e.T.Helper()
	p := e.MustSucceed(e.Operator, "runMonthlyFees", `mutation($input: RunMonthlyFeesInput!) { runMonthlyFees(input: $input) { enqueued month userErrors { code } } }`,
		map[string]any{"month": month})
	if p["enqueued"] != true || p["month"] != month {
		e.T.Fatalf("runMonthlyFees %v", p)
	}
	m, _ := domain.ParseMonth(month, nil)
	closed, n, err := e.Svc.CloseMonth(context.Background(), m)
	if err != nil {
		e.T.Fatal(err)
	}
	return closed, n
}

// TestMonthlyFeesThreeMonths is the worked example of the README: an account that pays in
// August, September and October (with a refund inside October) and nothing in November.
func TestMonthlyFeesThreeMonths(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	e.SetSandboxClock("2026-08-10T10:00:00+08:00")
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000000.00", "CNH")
	n := 0
	pay := func(amount string) string {
		n++
		oid := e.Order(s.PartnerKey, fmt.Sprint("o-", n), "buyer", "supplier", amount)
		e.Pay(s.PartnerKey, oid, fmt.Sprint("p-", n))
		return oid
	}
	rate := func() string {
		return Str(e.MustData(s.AccountKey, `query($id: ID!) { account(id: $id) { serviceFeeRate } }`, map[string]any{"id": s.AccountID}), "account", "serviceFeeRate")
	}

	pay("150000.00")
	e.SetSandboxClock("2026-09-01T00:30:00+08:00")
	if closed, _ := closeMonth(e, "2026-08"); !closed || rate() != "0.002" {
		t.Fatalf("August: closed %v rate %s", closed, rate())
	}
	pay("150000.00")
	pay("150000.00")
	e.SetSandboxClock("2026-10-01T00:30:00+08:00")
	closeMonth(e, "2026-09")
	if rate() != "0.0015" {
		t.Fatalf("after September the rate is %s, want 0.0015 (average 225,000)", rate())
	}
	big := pay("500000.00")
	pay("500000.00")
	pay("500000.00")
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": big, "amount": Money("100000.00", "CNY"), "idempotencyKey": "r"})
	e.SetSandboxClock("2026-11-01T00:30:00+08:00")
	closeMonth(e, "2026-10")
	e.SetSandboxClock("2026-12-01T00:30:00+08:00")
	closeMonth(e, "2026-11")

	d := e.MustData(s.AccountKey, statementsQuery, map[string]any{"id": s.AccountID})
	var got []string
	for _, edge := range Get(d, "account", "feeStatements", "edges").([]any) {
		nd := edge.(map[string]any)["node"]
		got = append(got, fmt.Sprintf("%s %s n=%v std=%s svc=%s avg=%s next=%s", Str(nd, "month"), Str(nd, "volume", "amount"),
			Get(nd, "paymentCount"), Str(nd, "standardFees", "amount"), Str(nd, "serviceFees", "amount"),
			Str(nd, "averageMonthlyVolume", "amount"), Str(nd, "nextServiceFeeRate")))
	}
	want := []string{
		"2026-11 0.00 n=0 std=0.00 svc=0.00 avg=566666.67 next=0.0015",
		"2026-10 1400000.00 n=3 std=5600.00 svc=2100.00 avg=616666.67 next=0.0015",
		"2026-09 300000.00 n=2 std=1200.00 svc=600.00 avg=225000.00 next=0.0015",
		"2026-08 150000.00 n=1 std=600.00 svc=300.00 avg=150000.00 next=0.002",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("statements\n got %q\nwant %q", got, want)
	}
	f := e.MustData(s.AccountKey, `query($id: ID!) { account(id: $id) { feeForecast { month monthToDateVolume { amount } currentRate
		projectedAverageMonthlyVolume { amount } projectedRate volumeToNextTier { amount } nextTierRate } } }`, map[string]any{"id": s.AccountID})
	fc := Get(f, "account", "feeForecast")
	// December so far: nothing; with November (0) and October (1,400,000): 466,666.67 on average;
	// reaching 1,000,000 needs 3,000,000 − 1,400,000 more.
	if Str(fc, "month") != "2026-12" || Str(fc, "projectedAverageMonthlyVolume", "amount") != "466666.67" ||
		Str(fc, "projectedRate") != "0.0015" || Str(fc, "volumeToNextTier", "amount") != "1600000.00" || Str(fc, "nextTierRate") != "0.001" {
		t.Fatalf("forecast %v", fc)
	}
	e.Audit()
}

func TestMonthCloseRules(t *testing.T) {
	t.Parallel()
	e := New(t, Options{SandboxClock: true})
	e.SetSandboxClock("2026-10-05T12:00:00+08:00")
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "1000000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "200000.00")
	e.Pay(s.PartnerKey, oid, "p")
	t.Run("a month that has not ended", func(t *testing.T) {
		p := e.Mutate(e.Operator, "runMonthlyFees", `mutation($input: RunMonthlyFeesInput!) { runMonthlyFees(input: $input) { enqueued userErrors { code field } } }`,
			map[string]any{"month": "2026-10"})
		if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"INVALID_INPUT"}) {
			t.Fatalf("got %v", p)
		}
		for _, bad := range []string{"October", "2026-13", "2026-1", "26-10", "2026-10-01"} {
			r := e.Do(e.Operator, `mutation($input: RunMonthlyFeesInput!) { runMonthlyFees(input: $input) { month userErrors { code } } }`,
				map[string]any{"input": map[string]any{"month": bad}})
			if r.Code() != "INVALID_INPUT" || !strings.Contains(r.Errors[0].Message, "is not a month") {
				t.Errorf("month %q: %s", bad, r.Raw)
			}
		}
	})
	t.Run("a month before the first fee schedule", func(t *testing.T) {
		jobs := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fees.close_month'`)
		for _, m := range []string{"0000-01", "1900-01", "2019-12"} {
			p := e.Mutate(e.Operator, "runMonthlyFees", `mutation($input: RunMonthlyFeesInput!) { runMonthlyFees(input: $input) { enqueued userErrors { code field } } }`,
				map[string]any{"month": m})
			if codes := UserErrorCodes(p); !slices.Equal(codes, []string{"INVALID_INPUT"}) || !strings.Contains(fmt.Sprint(p), "month") {
				t.Errorf("%s: %v", m, p)
			}
		}
		if n := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fees.close_month'`); n != jobs {
			t.Errorf("%d close jobs were enqueued", n-jobs)
		}
	})
	e.SetSandboxClock("2026-11-01T00:00:00+08:00")
	t.Run("exactly 200,000.00 on average is the 0.15% tier (young account: one month)", func(t *testing.T) {
		closed, n := closeMonth(e, "2026-10")
		if !closed || n != 1 {
			t.Fatalf("closed %v, %d statements", closed, n)
		}
		d := e.MustData(s.AccountKey, statementsQuery, map[string]any{"id": s.AccountID})
		if Str(d, "account", "feeStatements", "edges", 0, "node", "nextServiceFeeRate") != "0.0015" {
			t.Fatalf("got %v", d)
		}
	})
	t.Run("re-running changes nothing", func(t *testing.T) {
		closed, _ := closeMonth(e, "2026-10")
		if closed || e.Count(`SELECT count(*) FROM fee_statements`) != 1 || e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fees.close_month'`) != 1 {
			t.Fatalf("re-run closed %v; statements %d; jobs %d", closed, e.Count(`SELECT count(*) FROM fee_statements`),
				e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fees.close_month'`))
		}
	})
	t.Run("two workers close one month at once", func(t *testing.T) {
		m, _ := domain.ParseMonth("2026-09", nil)
		results := make([]bool, 4)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				closed, _, err := e.Svc.CloseMonth(context.Background(), m)
				if err != nil {
					t.Error(err)
				}
				results[i] = closed
			}()
		}
		close(start)
		wg.Wait()
		if c := slices.Index(results, true); c < 0 || slices.Index(results[c+1:], true) >= 0 {
			t.Fatalf("closes: %v", results)
		}
		if n := e.Count(`SELECT count(*) FROM fee_months WHERE month = '2026-09'`); n != 1 {
			t.Fatalf("%d", n)
		}
	})
	t.Run("setSandboxClock is operator only, and sandbox only", func(t *testing.T) {
		r := e.Do(s.AccountKey, `mutation { setSandboxClock(input: {now: "2030-01-01T00:00:00Z"}) { now } }`, nil)
		if r.Code() != "FORBIDDEN" {
			t.Fatalf("got %s", r.Raw)
		}
		prod := New(t, Options{Domain: func(c *domain.Config) { c.Sandbox = false }})
		if r := prod.Do(prod.Operator, `mutation { setSandboxClock(input: {now: "2030-01-01T00:00:00Z"}) { now } }`, nil); r.Code() != "FORBIDDEN" {
			t.Fatalf("outside sandbox: %s", r.Raw)
		}
	})
	t.Run("the fee schedule is public", func(t *testing.T) {
		d := e.MustData("", `{ feeSchedule { standardRate cardRate worldFirstBalanceMinimum { amount currency } serviceTiers { minAverageMonthlyVolume { amount } rate } } }`, nil)
		if Str(d, "feeSchedule", "standardRate") != "0.004" || len(Get(d, "feeSchedule", "serviceTiers").([]any)) != 4 ||
			Str(d, "feeSchedule", "serviceTiers", 1, "minAverageMonthlyVolume", "amount") != "200000.00" {
			t.Fatalf("got %v", d)
		}
	})
}
