package graph_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	. "github.com/kjb/kjb/internal/apitest"
)

const (
	payOrders = `mutation($input: PayOrdersInput!) { payOrders(input: $input) { payments { id order { id status updatedAt amount { amount } } method status amount { amount currency }
		totalFees { amount } debited { amount currency } escrowStatus } userErrors { code field message } } }`
	checkoutOptions = `query($ids: [ID!]!, $cur: CurrencyCode, $ip: String) { checkoutOptions(orderIds: $ids, payCurrency: $cur, buyerIpCountry: $ip) {
		method available reasons handledBy total { amount currency }
		orders { order { id externalId } option { method available reasons total { amount currency } fees { kind amount { amount } } } } } }`
)

// checkoutOption is the checkoutOptions entry of method.
func checkoutOption(t *testing.T, d map[string]any, method string) map[string]any {
	t.Helper()
	for _, o := range Get(d, "checkoutOptions").([]any) {
		if Get(o, "method") == method {
			return o.(map[string]any)
		}
	}
	t.Fatalf("no %s option in %v", method, d)
	return nil
}

// userErrorsAt lists a payload's user errors as code@field.
func userErrorsAt(p map[string]any) []string {
	var out []string
	for _, ue := range p["userErrors"].([]any) {
		var f []string
		fs, _ := Get(ue, "field").([]any)
		for _, s := range fs {
			f = append(f, s.(string))
		}
		out = append(out, Str(ue, "code")+"@"+strings.Join(f, "."))
	}
	return out
}

// TestPayOrders: three orders of two suppliers, bought by two members linked to one account,
// paid in one call: the options' total is what leaves the balance, each order has its own
// payment, escrow, ledger transaction and events, and a retry moves nothing.
func TestPayOrders(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Supplier(s.PartnerKey, "supplier-2", "6222020200119999")
	e.Member(s.PartnerKey, "buyer-2", nil)
	link := e.LinkMember(s.AccountKey, s.AccountID, "1688", "buyer-2")
	e.MustSucceed(s.AccountKey, "activateCrossBorderPay", Activate, map[string]any{"linkId": link})
	e.Fund(s.AccountID, "20000.00", "CNH")
	ids := []string{
		e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"),
		e.Order(s.PartnerKey, "o-2", "buyer-2", "supplier-2", "2345.67"),
		e.Order(s.PartnerKey, "o-3", "buyer", "supplier-2", "1.24"),
	}
	opt := checkoutOption(t, e.MustData(s.AccountKey, checkoutOptions, map[string]any{"ids": ids}), "WORLD_PAY")
	// 1006.00 + (2345.67 + 9.38 + 4.69) + 1.24 (its fees round to 0.00).
	if Get(opt, "available") != true || Str(opt, "total", "amount") != "3366.98" || Str(opt, "orders", 1, "order", "externalId") != "o-2" ||
		Str(opt, "orders", 1, "option", "total", "amount") != "2359.74" {
		t.Fatalf("options %v", opt)
	}
	in := map[string]any{"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "checkout-1"}
	ps := e.MustSucceed(s.AccountKey, "payOrders", payOrders, in)["payments"].([]any)
	if len(ps) != 3 {
		t.Fatalf("payments %v", ps)
	}
	for i, p := range ps {
		if Str(p, "order", "id") != ids[i] || Str(p, "escrowStatus") != "HELD" || Str(p, "debited", "currency") != "CNH" {
			t.Fatalf("payment %d %v", i, p)
		}
	}
	if Str(ps[1], "debited", "amount") != "2359.74" || Str(ps[2], "totalFees", "amount") != "0.00" {
		t.Fatalf("payments %v", ps)
	}
	// The payload's orders are as the payments left them, the same as reading them afresh.
	for i, p := range ps {
		fresh := e.MustData(s.AccountKey, `query($id: ID!) { node(id: $id) { ... on Order { id status updatedAt amount { amount } } } }`,
			map[string]any{"id": ids[i]})["node"]
		if Str(p, "order", "status") != "PAID" || !reflect.DeepEqual(p.(map[string]any)["order"], fresh) {
			t.Fatalf("payment %d's order %v, read afresh %v", i, Get(p, "order"), fresh)
		}
	}
	if e.Balance(s.AccountID, "CNH") != "16633.02" {
		t.Fatalf("CNH left %s", e.Balance(s.AccountID, "CNH"))
	}
	// One ledger transaction per order; the buyer's lines step the balance down in order.
	var after []string
	rows, err := e.Pool.Query(context.Background(), `SELECT e.balance_after::text FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
		WHERE t.kind = 'PAYMENT' AND e.book = 'CUSTOMER' ORDER BY e.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		after = append(after, a)
	}
	if rows.Err() != nil || !slices.Equal(after, []string{"18994.00", "16634.26", "16633.02"}) {
		t.Fatalf("balances after each payment %v", after)
	}
	if n := e.Count(`SELECT count(*) FROM ledger_transactions WHERE kind = 'PAYMENT'`); n != 3 {
		t.Fatalf("%d payment ledger transactions", n)
	}
	if got := e.EventTypes(s.PartnerKey, []string{"PAYMENT_SUCCEEDED", "ORDER_PAID"}); len(got) != 6 {
		t.Fatalf("events %v", got)
	}
	if n := e.Count(`SELECT count(*) FROM river_job WHERE kind = 'escrow.release'`); n != 3 {
		t.Fatalf("%d auto-release jobs", n)
	}
	// Each payment has its own release, in the payouts queue, due when its hold ends.
	if n := e.Count(`SELECT count(DISTINCT p.id) FROM river_job j JOIN payments p ON p.id = (j.args->>'payment_id')::uuid
		WHERE j.kind = 'escrow.release' AND j.queue = 'payouts' AND j.scheduled_at = p.created_at + interval '240 hours'`); n != 3 {
		t.Fatalf("%d payments with their auto-release job", n)
	}
	t.Run("the same key again answers the same payments and moves nothing", func(t *testing.T) {
		before := e.Snapshot()
		again := e.MustSucceed(s.AccountKey, "payOrders", payOrders, in)["payments"].([]any)
		for i := range ps {
			if Str(again[i], "id") != Str(ps[i], "id") {
				t.Fatalf("retry answered %v", again)
			}
		}
		if e.Snapshot() != before {
			t.Fatal("a retry changed something")
		}
	})
	t.Run("the same key for another set is IDEMPOTENCY_KEY_REUSED", func(t *testing.T) {
		r := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": ids[:2], "method": "WORLD_PAY", "idempotencyKey": "checkout-1"})
		if got := userErrorsAt(r); !slices.Equal(got, []string{"IDEMPOTENCY_KEY_REUSED@input.idempotencyKey"}) {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("a paid order in a new checkout is named", func(t *testing.T) {
		fresh := e.Order(s.PartnerKey, "o-4", "buyer", "supplier", "1000.00")
		r := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": []string{fresh, ids[1]}, "method": "WORLD_PAY", "idempotencyKey": "checkout-2"})
		if got := userErrorsAt(r); !slices.Equal(got, []string{"ORDER_NOT_PAYABLE@input.orderIds.1"}) || r["payments"] != nil {
			t.Fatalf("got %v", r)
		}
	})
	e.Audit()
}

// TestPayOrdersAllOrNothing: one ineligible order among thirty pays none of them, with its
// reasons named by its place in the list and exactly as checkoutOptions gives them; the
// balance is judged on the total.
func TestPayOrdersAllOrNothing(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "30180.00", "CNH") // 30 × 1006.00
	ids := make([]string, 30)
	for i := range ids {
		ids[i] = e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "1000.00")
	}
	bad := Str(e.MustSucceed(s.PartnerKey, "createOrder", CreateOrder, map[string]any{"externalId": "direct", "buyerMemberId": "buyer",
		"supplierId": "supplier", "amount": Money("1000.00", "CNY"), "tradeMode": "DIRECT", "redPacketDiscount": true}), "order", "id")
	withBad := slices.Clone(ids)
	withBad[17] = bad
	before := e.Snapshot()
	tests := []struct {
		name string
		ids  []string
		want []string
	}{
		{"one bad order among thirty", withBad, []string{"NOT_SECURED_TRANSACTION@input.orderIds.17", "RED_PACKET_DISCOUNT@input.orderIds.17"}},
		{"thirty-one orders", append(slices.Clone(ids), bad), []string{"INVALID_INPUT@input.orderIds"}},
		{"a repeated order", []string{ids[0], ids[1], ids[0]}, []string{"INVALID_INPUT@input.orderIds.2"}},
		{"a malformed id", []string{ids[0], "nope"}, []string{"INVALID_INPUT@input.orderIds.1"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": tc.ids, "method": "WORLD_PAY", "idempotencyKey": fmt.Sprint("k", i)})
			if got := userErrorsAt(r); !slices.Equal(got, tc.want) || r["payments"] != nil {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if e.Snapshot() != before {
				t.Fatal("a refused checkout changed something")
			}
		})
	}
	opt := checkoutOption(t, e.MustData(s.AccountKey, checkoutOptions, map[string]any{"ids": withBad}), "WORLD_PAY")
	if Get(opt, "available") != false || len(Get(opt, "reasons").([]any)) != 0 ||
		fmt.Sprint(Get(opt, "orders", 17, "option", "reasons")) != "[NOT_SECURED_TRANSACTION RED_PACKET_DISCOUNT]" ||
		fmt.Sprint(Get(opt, "orders", 16, "option", "reasons")) != "[]" {
		t.Fatalf("checkoutOptions %v", opt)
	}

	t.Run("the balance covers each order but not the total", func(t *testing.T) {
		over := append(slices.Clone(ids[1:]), e.Order(s.PartnerKey, "o-cent-more", "buyer", "supplier", "1000.01"))
		want := []string{"INSUFFICIENT_BALANCE@input.orderIds"}
		opt := checkoutOption(t, e.MustData(s.AccountKey, checkoutOptions, map[string]any{"ids": over}), "WORLD_PAY")
		if Get(opt, "available") != false || fmt.Sprint(Get(opt, "reasons")) != "[INSUFFICIENT_BALANCE]" || Str(opt, "total", "amount") != "30180.01" ||
			Get(opt, "orders", 29, "option", "available") != true {
			t.Fatalf("checkoutOptions %v", opt)
		}
		r := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": over, "method": "WORLD_PAY", "idempotencyKey": "over"})
		if got := userErrorsAt(r); !slices.Equal(got, want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		e.MustSucceed(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "exact"})
		if e.Balance(s.AccountID, "CNH") != "0.00" || e.Count(`SELECT count(*) FROM payments`) != 30 {
			t.Fatalf("balance %s", e.Balance(s.AccountID, "CNH"))
		}
	})
	e.Audit()
}

// TestPayOrdersRacingOverlappingSets: checkouts sharing an order race; exactly one of each
// pair pays, the other is refused with the shared order's ORDER_NOT_PAYABLE, and the balance
// is exact.
func TestPayOrdersRacingOverlappingSets(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "100000.00", "CNH")
	const rounds = 8
	results := make([][2][]string, rounds)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r := range rounds {
		o := func(n int) string {
			return e.Order(s.PartnerKey, fmt.Sprintf("r%d-%d", r, n), "buyer", "supplier", "1000.00")
		}
		a, shared, b := o(1), o(2), o(3)
		sets := [2][]string{{a, shared}, {shared, b}}
		for side := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				p := e.Mutate(s.AccountKey, "payOrders", payOrders, map[string]any{"orderIds": sets[side], "method": "WORLD_PAY",
					"idempotencyKey": fmt.Sprintf("r%d-%d", r, side)})
				results[r][side] = userErrorsAt(p)
			}()
		}
	}
	close(start)
	wg.Wait()
	for r, res := range results {
		a, b := res[0], res[1]
		switch {
		case len(a) == 0 && slices.Equal(b, []string{"ORDER_NOT_PAYABLE@input.orderIds.0"}):
		case len(b) == 0 && slices.Equal(a, []string{"ORDER_NOT_PAYABLE@input.orderIds.1"}):
		default:
			t.Errorf("round %d: %v and %v", r, a, b)
		}
	}
	// Each round paid two orders of 1006.00.
	if n := e.Count(`SELECT count(*) FROM payments`); n != 2*rounds || e.Balance(s.AccountID, "CNH") != "83904.00" {
		t.Fatalf("%d payments, balance %s", n, e.Balance(s.AccountID, "CNH"))
	}
	e.Audit()
}

// TestKnownOrdersStayInTheirField: in one operation that pays two orders and then refunds one
// of them in full, the refund's answer shows that order as the refund left it, not as the
// payment had (what payOrders knows of its orders serves its own answer only).
func TestKnownOrdersStayInTheirField(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	ids := []string{e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00"), e.Order(s.PartnerKey, "o-2", "buyer", "supplier", "500.00")}
	r := e.Do(e.Operator, `mutation($pay: PayOrdersInput!, $refund: RefundOrderInput!) {
		a: payOrders(input: $pay) { payments { order { id status } } userErrors { code } }
		b: refundOrder(input: $refund) { payment { order { id status } } userErrors { code } } }`,
		map[string]any{"pay": map[string]any{"orderIds": ids, "method": "WORLD_PAY", "idempotencyKey": "pay"},
			"refund": map[string]any{"orderId": ids[0], "idempotencyKey": "refund"}})
	if len(r.Errors) != 0 || len(Get(r.Data, "a", "userErrors").([]any)) != 0 || len(Get(r.Data, "b", "userErrors").([]any)) != 0 {
		t.Fatalf("%s", r.Raw)
	}
	if Str(r.Data, "a", "payments", 0, "order", "status") != "PAID" {
		t.Fatalf("payOrders' order %v", Get(r.Data, "a", "payments", 0, "order"))
	}
	fresh := e.MustData(e.Operator, `query($id: ID!) { node(id: $id) { ... on Order { id status } } }`, map[string]any{"id": ids[0]})["node"]
	if got := Get(r.Data, "b", "payment", "order"); !reflect.DeepEqual(got, fresh) || Str(fresh, "status") == "PAID" {
		t.Fatalf("refundOrder's order %v, read afresh %v", got, fresh)
	}
}
