package graph_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kjb/kjb/domain"
	. "github.com/kjb/kjb/internal/apitest"
	"github.com/kjb/kjb/sandboxrail"
)

func TestPayWithWorldPay(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "20000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "12500.00")
	opts := e.MustData(s.AccountKey, PaymentOptions, map[string]any{"id": oid})
	for _, o := range Get(opts, "paymentOptions").([]any) {
		if Get(o, "available") != true {
			t.Fatalf("option not available: %v", o)
		}
	}
	if Str(opts, "paymentOptions", 0, "total", "amount") != "12575.00" {
		t.Fatalf("WORLD_PAY total %v", Get(opts, "paymentOptions", 0))
	}
	p := e.Pay(s.PartnerKey, oid, "pay-1")
	// 12,500.00 + 0.4% (50.00) + 0.2% service (25.00).
	if Str(p, "debited", "amount") != "12575.00" || Str(p, "totalFees", "amount") != "75.00" ||
		Str(p, "fees", 0, "kind") != "STANDARD" || Str(p, "fees", 0, "amount", "amount") != "50.00" ||
		Str(p, "fees", 1, "kind") != "SERVICE" || Str(p, "fees", 1, "rate") != "0.002" || Str(p, "escrowStatus") != "HELD" {
		t.Fatalf("payment %v", p)
	}
	if e.Balance(s.AccountID, "CNH") != "7425.00" {
		t.Fatalf("CNH left %s", e.Balance(s.AccountID, "CNH"))
	}
	d := e.MustData(s.PartnerKey, `query($id: ID!) { order(id: $id) { status payment { id ledgerLines { kind book amount { amount currency } } } } }`, map[string]any{"id": oid})
	if Str(d, "order", "status") != "PAID" || len(Get(d, "order", "payment", "ledgerLines").([]any)) != 3 {
		t.Fatalf("order %v", d)
	}
	var at time.Time
	if err := e.Pool.QueryRow(context.Background(), `SELECT scheduled_at FROM river_job WHERE kind = 'escrow.release'`).Scan(&at); err != nil {
		t.Fatalf("auto-release job: %v", err)
	}
	if h := time.Until(at).Hours(); h < 239 || h > 240.1 {
		t.Fatalf("auto-release scheduled %.1fh ahead, want 240h", h)
	}
	t.Run("a second key on a paid order is ORDER_NOT_PAYABLE", func(t *testing.T) {
		r := e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": "pay-2"})
		if codes := UserErrorCodes(r); !slices.Equal(codes, []string{"ORDER_NOT_PAYABLE"}) {
			t.Fatalf("got %v", r)
		}
	})
	e.Audit()
}

// TestOptionsAndPayOrderAgree: for every rule, paymentOptions' reasons for the method are
// exactly payOrder's user errors, and a refused payOrder changes nothing.
func TestOptionsAndPayOrderAgree(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "2000.00", "CNH")
	e.Fund(s.AccountID, "100.00", "USD")
	e.Supplier(s.PartnerKey, "refuser", "62220000000001")
	e.MustSucceed(s.PartnerKey, "upsertSupplier", UpsertSupplier, map[string]any{"supplierId": "refuser", "name": "R", "acceptsCrossBorderPay": false, "payoutAccount": "62220000000001"})
	e.Member(s.PartnerKey, "no-alipay", map[string]any{"mainlandAlipayLinked": false})
	e.LinkMember(s.AccountKey, s.AccountID, "1688", "no-alipay")
	e.Member(s.PartnerKey, "unlinked", nil)
	order := func(ext string, fields map[string]any) string {
		in := map[string]any{"externalId": ext, "buyerMemberId": "buyer", "supplierId": "supplier",
			"amount": map[string]any{"amount": "1000.00", "currency": "CNY"}, "tradeMode": "SECURED_TRANSACTION"}
		for k, v := range fields {
			in[k] = v
		}
		return Str(e.MustSucceed(s.PartnerKey, "createOrder", CreateOrder, in), "order", "id")
	}
	tests := []struct {
		name   string
		fields map[string]any
		method string
		cur    any
		ip     any
		want   []string
	}{
		{"direct trade", map[string]any{"tradeMode": "DIRECT"}, "WORLD_PAY", nil, nil, []string{"NOT_SECURED_TRANSACTION"}},
		{"credit term", map[string]any{"tradeMode": "CREDIT_TERM"}, "WORLD_PAY", nil, nil, []string{"CREDIT_TERM_OR_CONTRACT_ORDER"}},
		{"contract", map[string]any{"tradeMode": "CONTRACT"}, "WORLD_PAY", nil, nil, []string{"CREDIT_TERM_OR_CONTRACT_ORDER"}},
		{"prohibited and red packet", map[string]any{"containsProhibitedItems": true, "redPacketDiscount": true}, "WORLD_PAY", nil, nil,
			[]string{"PROHIBITED_ITEMS", "RED_PACKET_DISCOUNT"}},
		{"supplier refuses", map[string]any{"supplierId": "refuser"}, "WORLD_PAY", nil, nil, []string{"SUPPLIER_NOT_ACCEPTING"}},
		{"member without mainland Alipay (linked, not activated)", map[string]any{"buyerMemberId": "no-alipay"}, "WORLD_PAY", nil, nil,
			[]string{"NOT_LINKED_TO_MAINLAND_ALIPAY", "CROSS_BORDER_PAY_NOT_ACTIVATED"}},
		{"member not linked", map[string]any{"buyerMemberId": "unlinked"}, "WORLD_PAY", nil, nil,
			[]string{"MEMBER_NOT_LINKED", "CROSS_BORDER_PAY_NOT_ACTIVATED"}},
		{"not enough CNH for amount plus fees", map[string]any{"amount": map[string]any{"amount": "1990.00", "currency": "CNY"}}, "WORLD_PAY", nil, nil,
			[]string{"INSUFFICIENT_BALANCE"}},
		{"below CNY 1,000 from a balance", map[string]any{"amount": map[string]any{"amount": "999.99", "currency": "CNY"}}, "WORLDFIRST_BALANCE", "USD", "GB",
			[]string{"BELOW_MINIMUM_ORDER", "INSUFFICIENT_BALANCE"}},
		{"mainland China IP", nil, "WORLDFIRST_BALANCE", "USD", "CN", []string{"MAINLAND_CHINA_IP", "INSUFFICIENT_BALANCE"}},
		{"balance pays without Alipay but needs a link", map[string]any{"buyerMemberId": "unlinked"}, "WORLDFIRST_BALANCE", "USD", "GB",
			[]string{"MEMBER_NOT_LINKED"}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			oid := order(fmt.Sprint("agree-", i), tc.fields)
			opts := e.MustData(e.Operator, PaymentOptions, map[string]any{"id": oid, "cur": tc.cur, "ip": tc.ip})
			var reasons []string
			for _, o := range Get(opts, "paymentOptions").([]any) {
				if Get(o, "method") == tc.method {
					for _, r := range Get(o, "reasons").([]any) {
						reasons = append(reasons, r.(string))
					}
				}
			}
			before := e.Snapshot()
			in := map[string]any{"orderId": oid, "method": tc.method, "idempotencyKey": fmt.Sprint("k", i)}
			if tc.cur != nil {
				in["payCurrency"], in["buyerIpCountry"] = tc.cur, tc.ip
			}
			p := e.Mutate(e.Operator, "payOrder", PayOrder, in)
			codes := UserErrorCodes(p)
			if !slices.Equal(reasons, tc.want) || !slices.Equal(codes, tc.want) {
				t.Fatalf("paymentOptions %v, payOrder %v, want %v", reasons, codes, tc.want)
			}
			if e.Snapshot() != before || e.Count(`SELECT count(*) FROM payments`) != 0 {
				t.Fatal("a refused payment changed something")
			}
		})
	}
}

// TestPayOrderSameKeyConcurrently: 50 identical requests at once: one payment, one debit,
// 50 identical answers.
func TestPayOrderSameKeyConcurrently(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "5000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	ids := make([]string, 50)
	Race(len(ids), func(i int) {
		p := e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": "same"})
		ids[i] = Str(p, "payment", "id")
	})
	for i := range ids {
		if ids[i] == "" || ids[i] != ids[0] {
			t.Fatalf("answer %d %q vs %q", i, ids[i], ids[0])
		}
	}
	if e.Count(`SELECT count(*) FROM payments`) != 1 || e.Balance(s.AccountID, "CNH") != "3994.00" {
		t.Fatalf("payments %d, balance %s", e.Count(`SELECT count(*) FROM payments`), e.Balance(s.AccountID, "CNH"))
	}
	e.Audit()
}

// TestConcurrentPaymentsOnOneBalance: ten orders at once against a balance that covers
// three: exactly three succeed, the rest are INSUFFICIENT_BALANCE, no balance goes negative.
func TestConcurrentPaymentsOnOneBalance(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "3100.00", "CNH") // each order costs 1006.00
	orders := make([]string, 10)
	for i := range orders {
		orders[i] = e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "1000.00")
	}
	results := make([][]string, len(orders))
	Race(len(orders), func(i int) {
		oid := orders[i]
		p := e.Mutate(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLD_PAY", "idempotencyKey": fmt.Sprint("k", i)})
		results[i] = UserErrorCodes(p)
	})
	paid := 0
	for _, r := range results {
		switch {
		case len(r) == 0:
			paid++
		case !slices.Equal(r, []string{"INSUFFICIENT_BALANCE"}):
			t.Errorf("unexpected %v", r)
		}
	}
	if paid != 3 || e.Balance(s.AccountID, "CNH") != "82.00" {
		t.Fatalf("%d paid, balance %s", paid, e.Balance(s.AccountID, "CNH"))
	}
	e.Audit()
}

func TestPayFromWorldFirstBalance(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	e.Fund(s.AccountID, "500.00", "USD")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "2000.00")
	p := e.MustSucceed(s.AccountKey, "payOrder", PayOrder, map[string]any{"orderId": oid, "method": "WORLDFIRST_BALANCE",
		"payCurrency": "USD", "buyerIpCountry": "GB", "idempotencyKey": "wf"})["payment"].(map[string]any)
	// Standard spread (50 bps) even with Cross-border Pay active: 7.0645; 2000 / 7.0645 = 283.106… → 283.11 USD.
	if Str(p, "fxRate") != "7.0645" || Str(p, "debited", "amount") != "283.11" || Str(p, "debited", "currency") != "USD" ||
		Str(p, "totalFees", "amount") != "0.00" || Str(p, "conversion", "status") != "BOOKED" {
		t.Fatalf("payment %v", p)
	}
	if e.Balance(s.AccountID, "USD") != "216.89" || e.Balance(s.AccountID, "CNH") != "0.00" {
		t.Fatalf("USD %s CNH %s", e.Balance(s.AccountID, "USD"), e.Balance(s.AccountID, "CNH"))
	}
	t.Run("refunds go back in USD at the original rate", func(t *testing.T) {
		r1 := e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("500.00", "CNY"), "idempotencyKey": "r1"})
		if Str(r1, "refund", "credited", "currency") != "USD" || Str(r1, "refund", "credited", "amount") != "70.77" {
			t.Fatalf("refund %v", r1) // 283.11 × 500/2000 = 70.7775 → 70.77
		}
		r2 := e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "idempotencyKey": "r2"})
		if Str(r2, "refund", "credited", "amount") != "212.34" || Str(r2, "payment", "status") != "REFUNDED" {
			t.Fatalf("refund %v", r2)
		}
		if e.Balance(s.AccountID, "USD") != "500.00" {
			t.Fatalf("USD back to %s", e.Balance(s.AccountID, "USD"))
		}
	})
	e.Audit()
}

func TestRefunds(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "2000.00", "CNH")
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, oid, "p")
	refund := func(amount any, key string) map[string]any {
		in := map[string]any{"orderId": oid, "idempotencyKey": key, "reason": "damaged"}
		if amount != nil {
			in["amount"] = Money(amount.(string), "CNY")
		}
		return e.Mutate(s.PartnerKey, "refundOrder", RefundOrder, in)
	}
	wrongCurrency := e.Mutate(s.PartnerKey, "refundOrder", RefundOrder,
		map[string]any{"orderId": oid, "amount": Money("300.00", "CNH"), "idempotencyKey": "r0"})
	if ues := Get(wrongCurrency, "userErrors").([]any); len(ues) != 1 || Str(ues[0], "code") != "INVALID_INPUT" ||
		fmt.Sprint(Get(ues[0], "field")) != "[input amount currency]" {
		t.Fatalf("a refund in CNH: %v", wrongCurrency)
	}
	r1 := refund("300.00", "r1")
	if Str(r1, "refund", "feesRefunded", "amount") != "1.80" || Str(r1, "refund", "credited", "amount") != "301.80" ||
		Str(r1, "payment", "status") != "PARTIALLY_REFUNDED" {
		t.Fatalf("first refund %v", r1)
	}
	if again := refund("300.00", "r1"); Str(again, "refund", "id") != Str(r1, "refund", "id") {
		t.Fatalf("replay gave %v", again)
	}
	if r := refund("700.01", "r2"); !slices.Equal(UserErrorCodes(r), []string{"REFUND_EXCEEDS_PAYMENT"}) {
		t.Fatalf("over-refund %v", r)
	}
	refund("200.00", "r3")
	last := refund(nil, "r4")
	if Str(last, "refund", "amount", "amount") != "500.00" || Str(last, "payment", "escrowStatus") != "REFUNDED" {
		t.Fatalf("last refund %v", last)
	}
	if e.Balance(s.AccountID, "CNH") != "2000.00" {
		t.Fatalf("balance %s: a full refund returns every fen", e.Balance(s.AccountID, "CNH"))
	}
	d := e.MustData(s.PartnerKey, `query($id: ID!) { order(id: $id) { status payment { refunds { amount { amount } } } } }`, map[string]any{"id": oid})
	if Str(d, "order", "status") != "REFUNDED" || len(Get(d, "order", "payment", "refunds").([]any)) != 3 {
		t.Fatalf("order %v", d)
	}
	t.Run("after release: INVALID_STATE", func(t *testing.T) {
		o2 := e.Order(s.PartnerKey, "o-2", "buyer", "supplier", "100.00")
		e.Pay(s.AccountKey, o2, "p2")
		e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": o2})
		r := e.Mutate(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": o2, "idempotencyKey": "late"})
		if !slices.Equal(UserErrorCodes(r), []string{"INVALID_STATE"}) {
			t.Fatalf("got %v", r)
		}
	})
	e.Audit()
}

func TestReleaseAndPayouts(t *testing.T) {
	t.Parallel()
	e := New(t)
	rail := sandboxrail.Rail{Pool: e.Pool}
	ctx := context.Background()
	payoutOf := func(key, oid string) map[string]any {
		d := e.MustData(key, `query($id: ID!) { order(id: $id) { status payment { escrowStatus payout { id status attempts railReference failureReason amount { amount currency } supplier { payoutAccount } } } } }`, map[string]any{"id": oid})
		return d["order"].(map[string]any)
	}
	rawPayout := func() string {
		var id string
		_ = e.Pool.QueryRow(ctx, `SELECT id::text FROM payouts ORDER BY created_at DESC LIMIT 1`).Scan(&id)
		return id
	}
	t.Run("confirm receipt, pay out, complete; the auto-release then does nothing", func(t *testing.T) {
		s := e.NewShop("6222020200118888")
		e.Fund(s.AccountID, "2000.00", "CNH")
		oid := e.Order(s.PartnerKey, "o-ok", "buyer", "supplier", "1000.00")
		pay := e.Pay(s.AccountKey, oid, "p")
		if Str(pay, "escrowStatus") != "HELD" {
			t.Fatalf("payment %v", pay)
		}
		e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		o := payoutOf(s.PartnerKey, oid)
		if Str(o, "payment", "escrowStatus") != "RELEASED" || Str(o, "payment", "payout", "status") != "PENDING" ||
			Str(o, "payment", "payout", "amount", "amount") != "1000.00" || Str(o, "payment", "payout", "amount", "currency") != "CNY" {
			t.Fatalf("after receipt %v", o)
		}
		// The auto-release job, due now, finds the escrow released by the receipt: it does nothing.
		due := domain.ReleaseEscrowJob{At: time.Now().Add(-time.Second)}
		_ = e.Pool.QueryRow(ctx, `SELECT id::text FROM payments`).Scan(&due.PaymentID)
		if _, err := e.ReleaseWhenDue(due, rail); err != nil {
			t.Fatal(err)
		}
		po := rawPayout()
		for range 2 { // the job, and a re-run
			if err := e.Svc.SubmitPayout(ctx, po, rail); err != nil {
				t.Fatal(err)
			}
		}
		o = payoutOf(s.PartnerKey, oid)
		if Str(o, "status") != "COMPLETED" || Str(o, "payment", "payout", "status") != "PAID" || Str(o, "payment", "payout", "railReference") == "" ||
			Get(o, "payment", "payout", "attempts") != float64(1) || Str(o, "payment", "payout", "supplier", "payoutAccount") != "****8888" {
			t.Fatalf("after payout %v", o)
		}
		if n := e.Count(`SELECT count(*) FROM payouts`); n != 1 {
			t.Fatalf("%d payouts", n)
		}
	})
	t.Run("0002 fails for good; retryPayout after the account is fixed pays", func(t *testing.T) {
		e2 := New(t)
		s := e2.NewShop("6222020200110002")
		e2.Fund(s.AccountID, "2000.00", "CNH")
		oid := e2.Order(s.PartnerKey, "o-2", "buyer", "supplier", "500.00")
		e2.Pay(s.AccountKey, oid, "p")
		e2.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		var po string
		_ = e2.Pool.QueryRow(ctx, `SELECT id::text FROM payouts`).Scan(&po)
		r2 := sandboxrail.Rail{Pool: e2.Pool}
		if err := e2.Svc.SubmitPayout(ctx, po, r2); err != nil {
			t.Fatal(err)
		}
		d := e2.MustData(e2.Operator, `{ payouts(filter: {status: FAILED}) { edges { node { id status failureReason } } } }`, nil)
		edge := Get(d, "payouts", "edges", 0, "node")
		if Str(edge, "failureReason") != "beneficiary account ****0002 is closed" {
			t.Fatalf("failed payout %v", d)
		}
		if r := e2.Do(s.PartnerKey, RetryPayout, map[string]any{"input": map[string]any{"payoutId": Str(edge, "id")}}); r.Code() != "FORBIDDEN" {
			t.Fatalf("a partner retried a payout: %s", r.Raw)
		}
		e2.MustSucceed(s.PartnerKey, "upsertSupplier", UpsertSupplier, map[string]any{"supplierId": "supplier", "name": "Fixed", "acceptsCrossBorderPay": true, "payoutAccount": "6222020200119999"})
		e2.MustSucceed(e2.Operator, "retryPayout", RetryPayout, map[string]any{"payoutId": Str(edge, "id")})
		if err := e2.Svc.SubmitPayout(ctx, po, r2); err != nil {
			t.Fatal(err)
		}
		if n := e2.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID'`); n != 1 {
			t.Fatalf("%d paid", n)
		}
		e2.Audit()
	})
	t.Run("0003 errors twice, then pays once", func(t *testing.T) {
		e3 := New(t)
		s := e3.NewShop("6222020200110003")
		e3.Fund(s.AccountID, "2000.00", "CNH")
		oid := e3.Order(s.PartnerKey, "o-3", "buyer", "supplier", "500.00")
		e3.Pay(s.AccountKey, oid, "p")
		e3.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
		var po string
		_ = e3.Pool.QueryRow(ctx, `SELECT id::text FROM payouts`).Scan(&po)
		r3 := sandboxrail.Rail{Pool: e3.Pool}
		var errs []error
		for range 4 {
			errs = append(errs, e3.Svc.SubmitPayout(ctx, po, r3))
		}
		if errs[0] == nil || errs[1] == nil || errs[2] != nil || errs[3] != nil {
			t.Fatalf("attempts: %v", errs)
		}
		if n := e3.Count(`SELECT attempts FROM sandbox_rail_transfers`); n != 3 {
			t.Fatalf("rail saw %d attempts, want 3", n)
		}
		if n := e3.Count(`SELECT count(*) FROM payouts WHERE status = 'PAID' AND attempts = 3`); n != 1 {
			t.Fatal("payout not paid after three attempts")
		}
		e3.Audit()
	})
	e.Audit()
}

// TestPaymentsListing: filters and scope.
func TestPaymentsListing(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.Fund(s.AccountID, "10000.00", "CNH")
	var ids []string // in the order paid
	for i := range 4 {
		oid := e.Order(s.PartnerKey, fmt.Sprint("o-", i), "buyer", "supplier", "100.00")
		ids = append(ids, Str(e.Pay(s.AccountKey, oid, fmt.Sprint("p", i)), "id"))
		if i == 1 {
			e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "idempotencyKey": "r1"})
		}
	}
	_, otherKey := e.Account("Other")
	newestFirst := func(is ...int) []string {
		var out []string
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	listed := func(d map[string]any, path ...any) []string {
		out := []string{}
		edges, _ := Get(d, append(path, "edges")...).([]any)
		for _, edge := range edges {
			out = append(out, Str(edge, "node", "id"))
		}
		return out
	}
	for _, c := range []struct {
		name, key, filter string
		want              []string
	}{
		{"operator, succeeded", e.Operator, `{method: WORLD_PAY, status: SUCCEEDED}`, newestFirst(3, 2, 0)},
		{"partner, succeeded", s.PartnerKey, `{status: SUCCEEDED}`, newestFirst(3, 2, 0)},
		{"account, succeeded", s.AccountKey, `{method: WORLD_PAY, status: SUCCEEDED}`, newestFirst(3, 2, 0)},
		{"account, refunded", s.AccountKey, `{status: REFUNDED}`, newestFirst(1)},
		{"account, unfiltered", s.AccountKey, `{}`, newestFirst(3, 2, 1, 0)},
		{"operator, another method", e.Operator, `{method: CARD}`, []string{}},
		{"another account", otherKey, `{status: SUCCEEDED}`, []string{}},
	} {
		d := e.MustData(c.key, `{ payments(filter: `+c.filter+`) { edges { node { id } } } }`, nil)
		if got := listed(d, "payments"); !slices.Equal(got, c.want) {
			t.Errorf("%s: listed %v, want %v", c.name, got, c.want)
		}
	}
	const byAccount = `query($id: ID!, $after: String) { account(id: $id) { payments(first: 3, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`
	d := e.MustData(s.AccountKey, byAccount, map[string]any{"id": s.AccountID})
	if got := listed(d, "account", "payments"); !slices.Equal(got, newestFirst(3, 2, 1)) || Get(d, "account", "payments", "pageInfo", "hasNextPage") != true {
		t.Fatalf("first page %v, want %v and a next page: %v", got, newestFirst(3, 2, 1), d)
	}
	d = e.MustData(s.AccountKey, byAccount, map[string]any{"id": s.AccountID, "after": Str(d, "account", "payments", "pageInfo", "endCursor")})
	if got := listed(d, "account", "payments"); !slices.Equal(got, newestFirst(0)) || Get(d, "account", "payments", "pageInfo", "hasNextPage") != false {
		t.Fatalf("second page %v, want %v and no next page: %v", got, newestFirst(0), d)
	}
}

// TestPaymentMoneyTrail: a payment's ledgerLines are every line of its conversion, the payment
// itself, its refund, its escrow release and its payout, in posting order.
func TestPaymentMoneyTrail(t *testing.T) {
	t.Parallel()
	e := New(t)
	s := e.NewShop("6222020200118888")
	e.MustSucceed(e.Operator, "setFxRate", SetFxRate, map[string]any{"from": "USD", "to": "CNH", "mid": "7.1000"})
	e.Fund(s.AccountID, "1000.00", "USD")
	e.MustSucceed(s.AccountKey, "setAutoConvert", setAutoConvert, map[string]any{"accountId": s.AccountID, "currency": "USD", "maxSpreadBps": 100})
	oid := e.Order(s.PartnerKey, "o-1", "buyer", "supplier", "1000.00")
	e.Pay(s.AccountKey, oid, "p")
	e.MustSucceed(s.PartnerKey, "refundOrder", RefundOrder, map[string]any{"orderId": oid, "amount": Money("100.00", "CNY"), "idempotencyKey": "r"})
	e.MustSucceed(s.PartnerKey, "confirmReceipt", ConfirmReceipt, map[string]any{"orderId": oid})
	var po string
	if err := e.Pool.QueryRow(context.Background(), `SELECT id::text FROM payouts`).Scan(&po); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.SubmitPayout(context.Background(), po, sandboxrail.Rail{Pool: e.Pool}); err != nil {
		t.Fatal(err)
	}
	d := e.MustData(s.PartnerKey, `query($id: ID!) { order(id: $id) { payment { ledgerLines { kind } } } }`, map[string]any{"id": oid})
	var kinds []string
	for _, l := range Get(d, "order", "payment", "ledgerLines").([]any) {
		if k := Str(l, "kind"); len(kinds) == 0 || kinds[len(kinds)-1] != k {
			kinds = append(kinds, k)
		}
	}
	if want := []string{"CONVERSION", "PAYMENT", "REFUND", "ESCROW_RELEASE", "PAYOUT"}; !slices.Equal(kinds, want) {
		t.Fatalf("trail %v, want %v", kinds, want)
	}
}
