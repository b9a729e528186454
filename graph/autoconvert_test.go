package graph_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
)

const (
	setAutoConvert = `mutation($input: SetAutoConvertInput!) { setAutoConvert(input: $input) { autoConvert { currency maxSpreadBps }
		account { id autoConvert { currency } } userErrors { code field message } } }`
	payOrdersConverted = `mutation($input: PayOrdersInput!) { payOrders(input: $input) { payments { id debited { amount currency }
		conversion { id status sold { amount currency } bought { amount currency } rate quote { id status } }
		ledgerLines { kind book amount { amount currency } } } userErrors { code field message } } }`
	checkoutConversion = `query($ids: [ID!]!) { checkoutOptions(orderIds: $ids) { method available reasons total { amount currency }
		conversion { sell { amount currency } buy { amount currency } rate } landedCost { amount currency } savingVersusCard { amount currency }
		orders { option { settlesIn landedCost { amount currency } } } } }`
)

// autoConvertShop is a shop whose account auto-converts from USD (mid 7.1000; at the 30 bps
// Cross-border Pay spread 7.0787 CNH per USD) and holds cnh CNH (none when "") and usd USD.
func autoConvertShop(e *Env, cnh, usd string, maxSpreadBps int) Shop {
	e.T.Helper()
	s := e.NewShop("6222020200118888")
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	if cnh != "" {
		e.Fund(s.AccountID, cnh, "CNH")
	}
	e.Fund(s.AccountID, usd, "USD")
	p := e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, map[string]any{"accountId": s.AccountID, "currency": "USD", "maxSpreadBps": maxSpreadBps})
	if Str(p, "autoConvert", "currency") != "USD" || Str(p, "account", "autoConvert", "currency") != "USD" {
		e.T.Fatalf("setAutoConvert %v", p)
	}
	return s
}

// TestAutoConvertCheckout: three orders paid from a CNH balance that covers part of them; the
// shortfall, exactly, is bought from USD in the same transaction, shown beforehand by
// checkoutOptions, linked to every payment and in its money trail, and settled by the FX
// settlement job.
func TestAutoConvertCheckout(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := autoConvertShop(e, "1000.00", "1000.00", 30)
	ids := []string{
		e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"),
		e.Order(s.PartnerKey, "o-2", "buyer", "supplier", "2000.00"),
		e.Order(s.PartnerKey, "o-3", "buyer", "supplier", "500.50"),
	}
	// 1006.00 + 2012.00 + 503.50 = 3521.50 CNH; 2521.50 short; 2521.50 / 7.0787 = 356.209… → 356.21 USD.
	opt := checkoutOption(t, e.MustData(s.AccountKey, checkoutConversion, map[string]any{"ids": ids}), "WORLD_PAY")
	if Get(opt, "available") != true || Str(opt, "total", "amount") != "3521.50" || Str(opt, "conversion", "sell", "amount") != "356.21" ||
		Str(opt, "conversion", "sell", "currency") != "USD" || Str(opt, "conversion", "buy", "amount") != "2521.50" || Str(opt, "conversion", "rate") != "7.0787" {
		t.Fatalf("options %v", opt)
	}
	// In USD, the auto-convert currency: 142.12 + 284.24 + 71.13 at 7.0787; by card 1030.00, 2060.00
	// and 515.52 CNY at the mid 7.1 (145.08 + 290.15 + 72.61): 10.35 USD more.
	bank := checkoutOption(t, e.MustData(s.AccountKey, checkoutConversion, map[string]any{"ids": ids}), "BANK_TRANSFER")
	if Str(opt, "landedCost", "amount") != "497.49" || Str(opt, "landedCost", "currency") != "USD" || Str(opt, "savingVersusCard", "amount") != "10.35" ||
		Str(opt, "orders", 0, "option", "settlesIn") != "PT5M" || Get(bank, "landedCost") != nil || Str(bank, "orders", 0, "option", "settlesIn") != "P3D" {
		t.Fatalf("landed costs %v, bank transfer %v", opt, bank)
	}
	ps := e.MustSucceed(s.AccountKey, "payOrders", payOrdersConverted, map[string]any{"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "ac"})["payments"].([]any)
	conv := Get(ps[0], "conversion")
	if Str(conv, "status") != "BOOKED" || Str(conv, "sold", "amount") != "356.21" || Str(conv, "bought", "amount") != "2521.50" || Get(conv, "quote") != nil {
		t.Fatalf("conversion %v", conv)
	}
	for _, p := range ps {
		if Str(p, "conversion", "id") != Str(conv, "id") || Str(p, "debited", "currency") != "CNH" {
			t.Fatalf("payment %v", p)
		}
		kinds := map[string]int{}
		for _, l := range Get(p, "ledgerLines").([]any) {
			kinds[Str(l, "kind")]++
		}
		if kinds["CONVERSION"] != 4 || kinds["PAYMENT"] != 3 {
			t.Fatalf("money trail %v", Get(p, "ledgerLines"))
		}
	}
	if e.Balance(s.AccountID, "CNH") != "0.00" || e.Balance(s.AccountID, "USD") != "643.79" {
		t.Fatalf("CNH %s USD %s", e.Balance(s.AccountID, "CNH"), e.Balance(s.AccountID, "USD"))
	}
	if got := e.EventTypes(s.AccountKey, []string{"CONVERSION_BOOKED", "PAYMENT_SUCCEEDED"}); !slices.Equal(got,
		[]string{"CONVERSION_BOOKED", "PAYMENT_SUCCEEDED", "PAYMENT_SUCCEEDED", "PAYMENT_SUCCEEDED"}) {
		t.Fatalf("events %v", got)
	}
	if e.Count(`SELECT count(*) FROM river_job WHERE kind = 'fx.settle'`) == 0 {
		t.Fatal("no FX settlement scheduled")
	}
	e.StartWorkers(nil)
	waitFor(t, func() bool { return e.Count(`SELECT count(*) FROM conversions WHERE status = 'SETTLED'`) == 1 })
	e.Audit()
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAutoConvertRules: the shortfall at the fen boundary, the spread guard, a short funding
// balance, a quote instead of the live rate; what paymentOptions says is what payOrder does,
// and a refusal changes nothing.
func TestAutoConvertRules(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := autoConvertShop(e, "1005.99", "1000.00", 30)
	pay := func(oid, key string, extra map[string]any) map[string]any {
		in := map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": key}
		for k, v := range extra {
			in[k] = v
		}
		return e.Mutate(s.AccountKey, "payOrder", `mutation($input: PayOrderInput!) { payOrder(input: $input) { payment { id
			conversion { sold { amount currency } bought { amount } quote { id status } } } userErrors { code field message } } }`, in)
	}
	options := func(oid string) map[string]any {
		d := e.MustData(s.AccountKey, `query($id: ID!) { paymentOptions(orderId: $id) { method reasons conversion { sell { amount } buy { amount } } } }`, map[string]any{"id": oid})
		return Get(d, "paymentOptions", 0).(map[string]any)
	}
	t.Run("one fen short buys one fen", func(t *testing.T) {
		oid := e.Order(s.PartnerKey, "fen", "buyer", "supplier", "1000.00")
		if o := options(oid); Str(o, "conversion", "buy", "amount") != "0.01" || Str(o, "conversion", "sell", "amount") != "0.01" {
			t.Fatalf("options %v", o)
		}
		p := pay(oid, "fen", nil)
		if Str(p, "payment", "conversion", "bought", "amount") != "0.01" || Str(p, "payment", "conversion", "sold", "amount") != "0.01" {
			t.Fatalf("payment %v", p)
		}
		if e.Balance(s.AccountID, "CNH") != "0.00" || e.Balance(s.AccountID, "USD") != "999.99" {
			t.Fatalf("CNH %s USD %s", e.Balance(s.AccountID, "CNH"), e.Balance(s.AccountID, "USD"))
		}
	})
	refused := []struct {
		name   string
		setup  func()
		amount string
		want   string
	}{
		{"the live spread beyond the account's maximum", func() {
			e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, map[string]any{"accountId": s.AccountID, "currency": "USD", "maxSpreadBps": 29})
		}, "1000.00", "AUTO_CONVERT_SPREAD_EXCEEDED"},
		{"the funding balance short", func() {
			e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, map[string]any{"accountId": s.AccountID, "currency": "USD", "maxSpreadBps": 30})
		}, "7100.00", "INSUFFICIENT_BALANCE"}, // 7142.60 CNH needs 1009.04 USD
		{"auto-convert off", func() {
			e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, map[string]any{"accountId": s.AccountID})
		}, "1000.00", "INSUFFICIENT_BALANCE"},
	}
	for i, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			oid := e.Order(s.PartnerKey, fmt.Sprint("refused-", i), "buyer", "supplier", tc.amount)
			if o := options(oid); fmt.Sprint(Get(o, "reasons")) != "["+tc.want+"]" || Get(o, "conversion") != nil {
				t.Fatalf("options %v", o)
			}
			before := e.Snapshot()
			if got := userErrorsAt(pay(oid, fmt.Sprint("refused-", i), nil)); !slices.Equal(got, []string{tc.want + "@input.orderId"}) {
				t.Fatalf("got %v", got)
			}
			if e.Snapshot() != before {
				t.Fatal("a refused payment changed something")
			}
		})
	}
	t.Run("a quote funds the shortfall instead", func(t *testing.T) {
		e.Fund(s.AccountID, "1000.00", "CNH")
		oid := e.Order(s.PartnerKey, "quoted", "buyer", "supplier", "1500.00") // 1509.00: 509.00 short
		small := e.Quote(s.AccountKey, s.AccountID, "USD", "CNH", "70.00")     // 70 × 7.0787 = 495.50 CNH
		if got := userErrorsAt(pay(oid, "quoted-small", map[string]any{"quoteId": Str(small, "id")})); !slices.Equal(got, []string{"INVALID_INPUT@input.quoteId"}) {
			t.Fatalf("a quote too small: %v", got)
		}
		q := e.Quote(s.AccountKey, s.AccountID, "USD", "CNH", "80.00") // 566.29 CNH
		p := pay(oid, "quoted", map[string]any{"quoteId": Str(q, "id")})
		if Str(p, "payment", "conversion", "quote", "id") != Str(q, "id") || Str(p, "payment", "conversion", "quote", "status") != "EXECUTED" ||
			Str(p, "payment", "conversion", "sold", "amount") != "80.00" {
			t.Fatalf("payment %v", p)
		}
		// 1000.00 + 566.29 − 1509.00 = 57.29 CNH left.
		if e.Balance(s.AccountID, "CNH") != "57.29" {
			t.Fatalf("CNH %s", e.Balance(s.AccountID, "CNH"))
		}
		again := e.Order(s.PartnerKey, "quoted-again", "buyer", "supplier", "1500.00")
		if got := userErrorsAt(pay(again, "quoted-again", map[string]any{"quoteId": Str(q, "id")})); !slices.Equal(got, []string{"QUOTE_ALREADY_EXECUTED@input.quoteId"}) {
			t.Fatalf("a used quote: %v", got)
		}
	})
	e.Audit()
}

// TestAutoConvertStaleRate: without a current rate the shortfall cannot be bought.
func TestAutoConvertStaleRate(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	e := New(t, Options{Clock: clock, Domain: func(c *domain.Config) { c.Sandbox = false }})
	s := autoConvertShop(e, "", "1000.00", 30)
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	in := map[string]any{"orderIds": []string{oid}, "method": "WORLD_PAY", "idempotencyKey": "fresh"}
	clock.Advance(16 * time.Minute)
	if got := userErrorsAt(e.Mutate(s.AccountKey, "payOrders", payOrders, in)); !slices.Equal(got, []string{"RATE_UNAVAILABLE@input.orderIds"}) {
		t.Fatalf("stale: %v", got)
	}
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	e.MustSucceed(s.AccountKey, "payOrders", payOrders, in)
	if e.Balance(s.AccountID, "USD") != "857.88" { // 1006.00 / 7.0787 = 142.116… → 142.12
		t.Fatalf("USD %s", e.Balance(s.AccountID, "USD"))
	}
	e.Audit()
}

// TestAutoConvertConcurrently: ten payments at once from a CNH balance that covers part of
// one: each plans its conversion from the balance the previous one left, so all succeed and
// the CNH balance ends at exactly zero.
func TestAutoConvertConcurrently(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := autoConvertShop(e, "500.00", "10000.00", 30)
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "1000.00")
	}
	errs := make([][]string, len(ids))
	Race(len(ids), func(i int) {
		oid := ids[i]
		errs[i] = userErrorsAt(e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": fmt.Sprint("k", i)}))
	})
	for i, es := range errs {
		if len(es) > 0 {
			t.Errorf("payment %d: %v", i, es)
		}
	}
	// 10 × 1006.00 = 10060.00 CNH: 500.00 held, 9560.00 bought.
	if e.Balance(s.AccountID, "CNH") != "0.00" || e.Count(`SELECT count(*) FROM conversions`) != 10 ||
		e.Count(`SELECT count(*) FROM conversions WHERE buy_amount = 1006.00`) != 9 {
		t.Fatalf("CNH %s, %d conversions", e.Balance(s.AccountID, "CNH"), e.Count(`SELECT count(*) FROM conversions`))
	}
	e.Audit()
}
