package graph_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	. "github.com/kjb/kjb/internal/apitest"
)

const (
	setLinkLimit = `mutation($input: SetLinkSpendingLimitInput!) { setLinkSpendingLimit(input: $input) {
		link { id spending { dailyLimit { amount currency } monthlyLimit { amount currency } spentToday { amount currency } spentThisMonth { amount currency } } }
		userErrors { code field message } } }`
	linkSpending = `query($id: ID!) { node(id: $id) { ... on MarketplaceLink { spending { dailyLimit { amount } monthlyLimit { amount } spentToday { amount } spentThisMonth { amount } } } } }`
)

// spending reads a link's spending as "daily/monthly today/month" ("-" for no limit).
func spending(e *Env, key, linkID string) string {
	e.T.Helper()
	sp := Get(e.MustData(key, linkSpending, map[string]any{"id": linkID}), "node", "spending")
	limit := func(f string) string {
		if Get(sp, f) == nil {
			return "-"
		}
		return Str(sp, f, "amount")
	}
	return fmt.Sprintf("%s/%s %s/%s", limit("dailyLimit"), limit("monthlyLimit"), Str(sp, "spentToday", "amount"), Str(sp, "spentThisMonth", "amount"))
}

// TestLinkSpendingLimits: an account caps one link per Shanghai day and month; payOrder,
// payOrders, paymentOptions and checkoutOptions refuse what would pass a limit, reaching it is
// allowed, refunds free their amount in the original payment's day and month, a new day frees
// the daily limit only, and removing the limits frees everything.
func TestLinkSpendingLimits(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 10, 14, 0, 0, 0, time.UTC)) // 22:00 in Shanghai
	e := New(t, Options{Clock: clock})
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "100000.00", "CNH")
	order := func(ext, amount string) string { return e.Order(s.PartnerKey, ext, "buyer", "supplier", amount) }
	pay := func(oid, key string) []string {
		return userErrorsAt(e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": key}))
	}
	if got := spending(e, s.AccountKey, s.LinkID); got != "-/- 0.00/0.00" {
		t.Fatalf("before any limit: %s", got)
	}
	o1 := order("o-1", "1500.00")
	if got := pay(o1, "k1"); got != nil {
		t.Fatalf("pay o-1: %v", got)
	}
	set := e.MustSucceed(s.AccountKey, "setLinkSpendingLimit", setLinkLimit,
		map[string]any{"linkId": s.LinkID, "daily": Money("2000.00", "CNY"), "monthly": Money("3000", "CNY")})
	if Str(set, "link", "spending", "dailyLimit", "amount") != "2000.00" || Str(set, "link", "spending", "monthlyLimit", "currency") != "CNY" ||
		Str(set, "link", "spending", "spentToday", "amount") != "1500.00" {
		t.Fatalf("set: %v", set)
	}

	t.Run("past the daily limit: refused by payOrder, reported by paymentOptions", func(t *testing.T) {
		o2 := order("o-2", "500.01")
		opts := e.MustData(s.AccountKey, PaymentOptions, map[string]any{"id": o2})
		for _, o := range Get(opts, "paymentOptions").([]any) {
			limited := slices.Contains(Get(o, "reasons").([]any), any("LINK_LIMIT_EXCEEDED"))
			switch Str(o, "method") {
			case "WORLD_PAY", "WORLDFIRST_BALANCE":
				if !limited || Get(o, "available") != false {
					t.Fatalf("option %v", o)
				}
			default:
				if limited {
					t.Fatalf("a marketplace method is limited: %v", o)
				}
			}
		}
		before := e.Snapshot()
		if got := pay(o2, "k2"); !slices.Equal(got, []string{"LINK_LIMIT_EXCEEDED@input.orderId"}) {
			t.Fatalf("got %v", got)
		}
		if e.Snapshot() != before {
			t.Fatal("a refused payment changed something")
		}
	})
	t.Run("payOrders: the link's orders together are judged, each named", func(t *testing.T) {
		o3, o4 := order("o-3", "300.00"), order("o-4", "200.01")
		ids := []string{o3, o4}
		opt := checkoutOption(t, e.MustData(s.AccountKey, checkoutOptions, map[string]any{"ids": ids}), "WORLD_PAY")
		if Get(opt, "available") != false || !slices.Equal(Get(opt, "orders", 1, "option", "reasons").([]any), []any{"LINK_LIMIT_EXCEEDED"}) {
			t.Fatalf("options %v", opt)
		}
		r := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "c1"})
		if got := userErrorsAt(r); !slices.Equal(got, []string{"LINK_LIMIT_EXCEEDED@input.orderIds.0", "LINK_LIMIT_EXCEEDED@input.orderIds.1"}) {
			t.Fatalf("got %v", got)
		}
		// Reaching the limit exactly is allowed.
		o5 := order("o-5", "200.00")
		e.MustSucceed(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": []string{o3, o5}, "method": "WORLD_PAY", "idempotencyKey": "c2"})
		if got := spending(e, s.AccountKey, s.LinkID); got != "2000.00/3000.00 2000.00/2000.00" {
			t.Fatalf("after: %s", got)
		}
	})
	t.Run("a refund frees its amount", func(t *testing.T) {
		e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": o1, "amount": Money("300.00", "CNY"), "idempotencyKey": "r1"})
		if got := spending(e, s.AccountKey, s.LinkID); got != "2000.00/3000.00 1700.00/1700.00" {
			t.Fatalf("after the refund: %s", got)
		}
		if got := pay(order("o-6", "300.00"), "k6"); got != nil {
			t.Fatalf("pay within the freed limit: %v", got)
		}
	})
	t.Run("the next Shanghai day frees the daily limit, not the monthly one", func(t *testing.T) {
		clock.Advance(2 * time.Hour) // 00:00 on 11 November in Shanghai
		if got := spending(e, s.AccountKey, s.LinkID); got != "2000.00/3000.00 0.00/2000.00" {
			t.Fatalf("next day: %s", got)
		}
		if got := pay(order("o-7", "600.00"), "k7"); got != nil {
			t.Fatalf("pay the next day: %v", got)
		}
		o8 := order("o-8", "400.01")
		if got := pay(o8, "k8"); !slices.Equal(got, []string{"LINK_LIMIT_EXCEEDED@input.orderId"}) {
			t.Fatalf("past the month: %v", got)
		}
		// The rest of o-1, paid yesterday, is refunded today: it comes off yesterday and the month.
		e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": o1, "idempotencyKey": "r2"})
		if got := spending(e, s.AccountKey, s.LinkID); got != "2000.00/3000.00 600.00/1400.00" {
			t.Fatalf("after refunding yesterday's payment: %s", got)
		}
		if got := pay(o8, "k8b"); got != nil {
			t.Fatalf("pay after the refund: %v", got)
		}
	})
	t.Run("removing the limits", func(t *testing.T) {
		r := e.MustSucceed(s.AccountKey, "setLinkSpendingLimit", setLinkLimit, map[string]any{"linkId": s.LinkID})
		if Get(r, "link", "spending", "dailyLimit") != nil || Get(r, "link", "spending", "monthlyLimit") != nil {
			t.Fatalf("got %v", r)
		}
		if got := pay(order("o-9", "5000.00"), "k9"); got != nil {
			t.Fatalf("pay without limits: %v", got)
		}
	})
	t.Run("who may set them and what they must be", func(t *testing.T) {
		if r := e.Do(s.PartnerKey, setLinkLimit, map[string]any{"input": map[string]any{"linkId": s.LinkID, "daily": Money("1.00", "CNY")}}); r.Code() != "FORBIDDEN" {
			t.Fatalf("partner: %s", r.Raw)
		}
		e.MustSucceed(e.Operator, "setLinkSpendingLimit", setLinkLimit, map[string]any{"linkId": s.LinkID, "monthly": Money("90000.00", "CNY")})
		r := e.Mutate(s.AccountKey, "setLinkSpendingLimit", setLinkLimit,
			map[string]any{"linkId": s.LinkID, "daily": Money("10.00", "USD"), "monthly": Money("0", "CNY")})
		if got := userErrorsAt(r); !slices.Equal(got, []string{"INVALID_INPUT@input.daily.currency", "INVALID_INPUT@input.monthly.amount"}) {
			t.Fatalf("got %v", got)
		}
		if got := spending(e, s.AccountKey, s.LinkID); got != "-/90000.00 6000.01/6800.01" {
			t.Fatalf("after the operator's change: %s", got)
		}
	})
	e.Audit() // includes link spending against the payments net of refunds
}

// TestLinkLimitUnder50RacingPayments: 50 payments of CNY 100.00 at once (payOrder and
// payOrders alternately) against a daily limit of CNY 1,234.00 and a balance that covers them
// all: exactly 12 succeed, every other one is LINK_LIMIT_EXCEEDED, and the link's spending
// is exactly what the 12 paid.
func TestLinkLimitUnder50RacingPayments(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000.00", "CNH")
	e.MustSucceed(s.AccountKey, "setLinkSpendingLimit", setLinkLimit, map[string]any{"linkId": s.LinkID, "daily": Money("1234.00", "CNY")})
	orders := make([]string, 50)
	for i := range orders {
		orders[i] = e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "100.00")
	}
	codes := make([][]string, len(orders))
	Race(len(orders), func(i int) {
		oid := orders[i]
		key := fmt.Sprint("k", i)
		if i%2 == 0 {
			codes[i] = UserErrorCodes(e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": key}))
		} else {
			codes[i] = UserErrorCodes(e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": []string{oid}, "method": "WORLD_PAY", "idempotencyKey": key}))
		}
	})
	paid := 0
	for i, c := range codes {
		switch {
		case len(c) == 0:
			paid++
		case !slices.Equal(c, []string{"LINK_LIMIT_EXCEEDED"}):
			t.Errorf("payment %d: %v", i, c)
		}
	}
	if paid != 12 || e.Count(`SELECT count(*) FROM payments`) != 12 {
		t.Fatalf("%d paid, %d payments", paid, e.Count(`SELECT count(*) FROM payments`))
	}
	if got := spending(e, s.AccountKey, s.LinkID); got != "1234.00/- 1200.00/1200.00" {
		t.Fatalf("spending %s", got)
	}
	if e.Balance(s.AccountID, "CNH") != "8792.80" { // 10000.00 − 12 × 100.60
		t.Fatalf("CNH %s", e.Balance(s.AccountID, "CNH"))
	}
	e.Audit() // includes link spending against the payments net of refunds
}
